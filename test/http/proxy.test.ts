/**
 * Every outbound request goes through the runner's proxy when the environment names one, by the
 * toolkit's rules (https_proxy, http_proxy, no_proxy; loopback direct), through every transport:
 * timedFetch (providers, notifiers, the registry), plainRequest (http_status) and the GitHub client
 * (Octokit with @actions/github's proxy fetch, which reads the proxy settings once, when it is loaded).
 * TLS through the tunnel trusts NODE_EXTRA_CA_CERTS; both are tried in child processes, since Node
 * reads the CA file at start-up.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer as createTlsServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { plainRequest } from '../../src/http/plain-request';
import { timedFetch } from '../../src/http/timed-fetch';
import { startServer, type TestServer } from '../support/http-server';
import { startProxy, type TestProxy } from '../support/proxy';

const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];
const saved = Object.fromEntries(PROXY_VARS.map((name) => [name, process.env[name]]));

let proxy: TestProxy;
let app: TestServer;
beforeAll(async () => {
  proxy = await startProxy();
  app = await startServer(
    (req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.path} via ${req.headers.host}`),
  );
});
afterAll(async () => {
  await proxy.close();
  await app.close();
});
afterEach(() => {
  for (const name of PROXY_VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  proxy.lines.length = 0;
  proxy.authorizations.length = 0;
});

function useProxy(vars: Record<string, string>): void {
  for (const name of PROXY_VARS) delete process.env[name];
  Object.assign(process.env, vars);
}

const fetchText = (url: string): Promise<string> => timedFetch(url, {}, { timeoutMs: 5000 }, (response) => response.text());
const plainText = async (url: string): Promise<string> =>
  (await plainRequest(new URL(url), { method: 'GET', headers: {}, timeoutMs: 5000, readBody: true })).body;

describe.each([
  ['timedFetch', fetchText],
  ['plainRequest', plainText],
])('%s', (_name, get) => {
  it('sends http requests to the proxy as absolute-URI requests', async () => {
    useProxy({ http_proxy: proxy.url });
    const url = `http://app.test:${app.port}/health?x=1`;
    expect(await get(url)).toBe(`/health via app.test:${app.port}`);
    expect(proxy.lines).toEqual([`GET ${url}`]);
  });

  it('honours the upper-case names and sends the proxy credentials the URL carries', async () => {
    useProxy({ HTTP_PROXY: proxy.url.replace('http://', 'http://ops:p%40ss@') });
    expect(await get(`http://app.test:${app.port}/`)).toBe(`/ via app.test:${app.port}`);
    expect(proxy.authorizations).toEqual([`Basic ${Buffer.from('ops:p@ss').toString('base64')}`]);
  });

  it('goes direct for hosts in no_proxy, and for loopback', async () => {
    useProxy({ http_proxy: proxy.url, no_proxy: 'example.com,.test' });
    // Direct, app.test cannot be resolved: the failure proves the proxy was bypassed.
    await expect(get(`http://app.test:${app.port}/`)).rejects.toMatchObject({ kind: 'unreachable' });
    expect(await get(`http://127.0.0.1:${app.port}/x`)).toBe(`/x via 127.0.0.1:${app.port}`);
    expect(proxy.lines).toEqual([]);
  });
});

describe('https through a CONNECT tunnel, trusting NODE_EXTRA_CA_CERTS', () => {
  let dir: string;
  let tls: ReturnType<typeof createTlsServer>;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'launch-proxy-ca-'));
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=launch-action test CA',
    );
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'app.key', '-out', 'app.csr', '-subj', '/CN=app.test');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:app.test\n');
    ssl(
      'x509',
      '-req',
      '-in',
      'app.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'app.pem',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    );
    tls = createTlsServer({ key: readFileSync(join(dir, 'app.key')), cert: readFileSync(join(dir, 'app.pem')) }, (req, res) => {
      // GitHub's API (GHES behind the proxy): the deployments list the client asks for.
      if (req.url?.startsWith('/repos/acme/shop/deployments'))
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      res.writeHead(200).end(`secure ${req.url}`);
    });
    await new Promise<void>((ready) => tls.listen(0, '127.0.0.1', ready));
    port = (tls.address() as AddressInfo).port;
  });
  afterAll(() => {
    tls.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const importLine = (name: string, file: string): string => `import { ${name} } from ${JSON.stringify(join(src, file))};`;
  /** A deployments read through the GitHub client, as the runner's environment (GITHUB_API_URL) sets it up. */
  const githubRead = [
    importLine('repoClient, defaultGitHubPacing', 'github/client.ts'),
    importLine('DeploymentsApi', 'github/deployments-api.ts'),
    `const github = repoClient({ apiUrl: process.env.GITHUB_API_URL, token: 'test-token', owner: 'acme', repo: 'shop' }` +
      `, { ...defaultGitHubPacing, msPerSecond: 1 }, (t) => t);`,
    `const c = await new DeploymentsApi(github).listLaunches('production', 1, 100)` +
      `.then((r) => \`github \${r.deployments.length}\`, (e) => \`github failed: \${e.message}\`);`,
  ];

  /** The transports in a child process, with the proxy and (or not) the test CA in its environment. */
  // Not spawnSync: the proxy and the server answer from this process's event loop.
  function runChild(extraCa: boolean, lines: string[], vars: Record<string, string> = {}): Promise<{ status: number | null; out: string }> {
    const script = join(dir, 'child.mts');
    writeFileSync(script, lines.join('\n'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      https_proxy: proxy.url,
      no_proxy: '',
      GITHUB_API_URL: `https://app.test:${port}`,
      ...vars,
    };
    if (extraCa) env.NODE_EXTRA_CA_CERTS = join(dir, 'ca.pem');
    else delete env.NODE_EXTRA_CA_CERTS;
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, [script], { env, timeout: 30_000 });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return new Promise((done) => child.on('close', (status) => done({ status, out })));
  }

  const everyTransport = (): string[] => [
    importLine('timedFetch', 'http/timed-fetch.ts'),
    importLine('plainRequest', 'http/plain-request.ts'),
    ...githubRead,
    'console.log(c);',
    `const url = 'https://app.test:${port}/secure';`,
    `const a = await timedFetch(url, {}, { timeoutMs: 5000 }, (r) => r.text());`,
    `const b = (await plainRequest(new URL(url), { method: 'GET', headers: {}, timeoutMs: 5000, readBody: true })).body;`,
    `console.log(JSON.stringify([a, b]));`,
  ];

  it('reaches a server signed by the extra CA, through the proxy, with every transport and the GitHub client', async () => {
    const { status, out } = await runChild(true, everyTransport());
    expect(out).toContain('github 0');
    expect(out).toContain(JSON.stringify(['secure /secure', 'secure /secure']));
    expect(status).toBe(0);
    expect(proxy.lines).toEqual([`CONNECT app.test:${port}`, `CONNECT app.test:${port}`, `CONNECT app.test:${port}`]);
  });

  it('sends GitHub calls direct to a host in no_proxy', async () => {
    const { status, out } = await runChild(true, [...githubRead, 'console.log(c);'], { no_proxy: 'example.com,app.test' });
    expect(status).toBe(0);
    // Direct, app.test cannot be resolved: the failure proves the proxy was bypassed.
    expect(out).toMatch(/github failed: .*no response after 3 tries: .*(ENOTFOUND|EAI_AGAIN|getaddrinfo)/);
    expect(proxy.lines).toEqual([]);
  });

  it('refuses the same server without the extra CA: the trust comes from NODE_EXTRA_CA_CERTS', async () => {
    const { status, out } = await runChild(false, everyTransport());
    expect(status).not.toBe(0);
    const untrusted = /unable to verify the first certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|self.signed certificate/i;
    expect(out).toMatch(new RegExp(`github failed: .*(${untrusted.source})`, 'i'));
    expect(out.split('\n').filter((line) => !line.startsWith('github failed'))).toContainEqual(expect.stringMatching(untrusted));
    expect(proxy.lines[0]).toBe(`CONNECT app.test:${port}`);
  });
});

describe('the shipped bundle (dist/cli)', () => {
  it("sends a launch's http_status check through the proxy, from the bundle as shipped", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launch-proxy-cli-'));
    writeFileSync(
      join(dir, 'launch.yml'),
      `launch:\n  phases:\n    - id: deploy\n      run: 'true'\n` +
        `      verify: [{ type: http_status, endpoint: 'http://app.test:${app.port}/health', expected: 200 }]\n`,
    );
    const cli = fileURLToPath(new URL('../../bin/launch-action.js', import.meta.url));
    const env: NodeJS.ProcessEnv = { ...process.env, http_proxy: proxy.url, no_proxy: '' };
    const child = spawn(process.execPath, [cli, 'launch', '--spec', 'launch.yml'], { cwd: dir, env, timeout: 30_000 });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const status = await new Promise<number | null>((done) => child.on('close', done));
    rmSync(dir, { recursive: true, force: true });
    expect(status, out).toBe(0);
    expect(proxy.lines).toEqual([`GET http://app.test:${app.port}/health`]);
  });
});
