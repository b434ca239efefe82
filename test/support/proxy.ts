import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface ProxyLog {
  /** `GET http://host:port/path` for absolute-URI requests, `CONNECT host:port` for tunnels. */
  lines: string[];
  /** The Proxy-Authorization header of each request, '' when none. */
  authorizations: string[];
}

export interface TestProxy extends ProxyLog {
  url: string;
  close(): Promise<void>;
}

/**
 * A forward proxy on 127.0.0.1 that speaks both forms a client may use (absolute-URI requests and
 * CONNECT tunnels), and resolves every host ending in `.test` to 127.0.0.1. Requests for such names
 * can only succeed through it: the client cannot resolve them itself.
 */
export async function startProxy(): Promise<TestProxy> {
  const lines: string[] = [];
  const authorizations: string[] = [];
  const resolve = (host: string): string => (host.endsWith('.test') ? '127.0.0.1' : host);
  const server: Server = createServer((req, res) => {
    lines.push(`${req.method} ${req.url}`);
    authorizations.push(String(req.headers['proxy-authorization'] ?? ''));
    const target = new URL(req.url ?? '');
    const { 'proxy-authorization': _auth, ...headers } = req.headers;
    const upstream = request(
      { host: resolve(target.hostname), port: target.port, path: target.pathname + target.search, method: req.method, headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket, head) => {
    lines.push(`CONNECT ${req.url}`);
    authorizations.push(String(req.headers['proxy-authorization'] ?? ''));
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), resolve(host ?? ''), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lines,
    authorizations,
    close: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
