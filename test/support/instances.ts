import { request } from 'node:http';
import { startServer, sendText, type TestServer } from './http-server';

/**
 * Local stand-ins for a service's instances and its load balancer, for launch strategies. Commands
 * under test drive them with curl, as real ones drive a real fleet:
 *
 *   instance:  GET /health, GET /version, PUT /version (body = version), DELETE /version (scale down),
 *              any other GET → 200, or 500 for a `faulty` version
 *   balancer:  PUT|GET /state/<key> (drained/<instance>, live, weight...: every change is recorded),
 *              /pools/<name>/<path> → that pool's instance, GET /<path> → the `live` pool's instance
 */

/** How versions behave: a version listed here is bad in that way. */
export interface VersionBehaviour {
  /** /health answers 500. */
  unhealthy?: string[];
  /** /health is fine, every other path answers 500: caught only under traffic. */
  faulty?: string[];
}

export interface Instance {
  /** 127.0.0.1:<port>: what LAUNCH_INSTANCE holds. */
  address: string;
  version: string;
  /** Every version it ran, the first included; '' once scaled down. */
  history: string[];
  /** A bad host: its /health fails whatever the version. */
  broken: boolean;
}

export interface Fleet {
  instances: Instance[];
  close(): Promise<void>;
}

export async function startInstance(version: string, behaviour: VersionBehaviour = {}): Promise<Instance & { close(): Promise<void> }> {
  const instance: Instance = { address: '', version, history: [version], broken: false };
  const server = await startServer((req, res) => {
    if (req.path === '/version' && req.method === 'PUT') {
      instance.version = req.body.trim();
      instance.history.push(instance.version);
      return sendText(res, 204, '');
    }
    if (req.path === '/version' && req.method === 'DELETE') {
      instance.version = '';
      instance.history.push('');
      return sendText(res, 204, '');
    }
    if (req.path === '/version') return sendText(res, 200, instance.version);
    if (instance.version === '') return sendText(res, 503, 'scaled down');
    if (req.path === '/health') {
      const bad = instance.broken || behaviour.unhealthy?.includes(instance.version);
      return sendText(res, bad ? 500 : 200, `${bad ? 'unhealthy' : 'ok'} ${instance.version}`);
    }
    return sendText(res, behaviour.faulty?.includes(instance.version) ? 500 : 200, `${req.path} on ${instance.version}`);
  });
  instance.address = `127.0.0.1:${server.port}`;
  return Object.assign(instance, { close: () => server.close() });
}

/** `count` instances on 127.0.0.1, each on its own port, all running `version`. */
export async function startFleet(count: number, version: string, behaviour: VersionBehaviour = {}): Promise<Fleet> {
  const started = await Promise.all(Array.from({ length: count }, () => startInstance(version, behaviour)));
  return { instances: started, close: async () => void (await Promise.all(started.map((instance) => instance.close()))) };
}

export interface StateChange {
  key: string;
  value: string;
  at: number;
}

export interface LoadBalancer extends TestServer {
  /** Every PUT to /state, in order. */
  changes: StateChange[];
  state: Map<string, string>;
  /** The values `key` took, in order. */
  historyOf(key: string): string[];
  /** Requests forwarded to a pool, with when they were answered and how. */
  forwarded: { pool: string; path: string; status: number; at: number }[];
}

/** Forwards one request to an instance and answers with its reply. */
function forward(address: string, method: string, path: string, body: string): Promise<{ status: number; text: string }> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 502, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A controllable load balancer in front of named pools (blue/green, stable/canary), one instance each. */
export async function startLoadBalancer(pools: Record<string, Instance>, initial: Record<string, string> = {}): Promise<LoadBalancer> {
  const state = new Map(Object.entries(initial));
  const changes: StateChange[] = [];
  const forwarded: LoadBalancer['forwarded'] = [];
  const server = await startServer(async (req, res) => {
    const key = /^\/state\/(.+)$/.exec(req.path)?.[1];
    if (key !== undefined && req.method === 'PUT') {
      state.set(key, req.body.trim());
      changes.push({ key, value: req.body.trim(), at: Date.now() });
      return sendText(res, 204, '');
    }
    if (key !== undefined) return state.has(key) ? sendText(res, 200, state.get(key)!) : sendText(res, 404, `no ${key}`);
    const pooled = /^\/pools\/([^/]+)(\/.*)$/.exec(req.path);
    const pool = pooled?.[1] ?? state.get('live');
    const instance = pool === undefined ? undefined : pools[pool];
    if (!pool || !instance) return sendText(res, 502, `no pool for ${req.path}`);
    const path = pooled?.[2] ?? req.path;
    const reply = await forward(instance.address, req.method, path, req.body);
    forwarded.push({ pool, path, status: reply.status, at: Date.now() });
    sendText(res, reply.status, reply.text);
  });
  return {
    ...server,
    changes,
    state,
    forwarded,
    historyOf: (key) => changes.filter((change) => change.key === key).map((change) => change.value),
  };
}
