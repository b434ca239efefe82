import { spawn, execFileSync } from 'node:child_process';
import { createServer, get, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus';
import { waitFor } from './wait-for';
import { stopChild } from './process';
import { managedFile } from '../../src/routers/nginx';
import { afterAll, beforeAll } from 'vitest';

export const NGINX_BINARY = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
export const HAPROXY_BINARY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

export interface AppVersion {
  port: number;
  /** Requests this version received: where the router sent them, whoever sent them. */
  readonly received: number;
  address: string;
  stop(): Promise<void>;
}

/** v1 (stable) and v2 (canary) for the tests of a file, started before them and stopped after. */
export function appVersionsForTests(): { v1: AppVersion; v2: AppVersion } {
  const versions = {} as { v1: AppVersion; v2: AppVersion };
  beforeAll(async () => {
    [versions.v1, versions.v2] = await Promise.all([startAppVersion('v1'), startAppVersion('v2')]);
  });
  afterAll(async () => {
    await Promise.all([versions.v1?.stop(), versions.v2?.stop()]);
  });
  return versions;
}

/** A tiny app version: answers its version ("v1", "v2") to every request. */
export async function startAppVersion(version: string): Promise<AppVersion> {
  let received = 0;
  const server: Server = createServer((_request, response) => {
    received++;
    response.end(version);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    get received() {
      return received;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One request on a fresh connection (no keep-alive to race a reload's closing of idle connections). */
export function requestOnce(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' }, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        response.statusCode === 200 ? resolve(body) : reject(new Error(`status ${response.statusCode}: ${body.slice(0, 100)}`)),
      );
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

/** How many of `count` requests (20 at a time) each answer got; request i asks for `path(i)`. A failed request rejects. */
export async function sample(port: number, count: number, path: (i: number) => string = () => '/'): Promise<Record<string, number>> {
  const answers: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < count) {
        const body = await requestOnce(port, path(next++));
        answers[body] = (answers[body] ?? 0) + 1;
      }
    }),
  );
  return answers;
}

/** Requests in a loop until stopped, counting failures: the "no request dropped" witness. */
export function steadyLoad(port: number, concurrency = 4): { stop(): Promise<{ ok: number; failures: string[] }> } {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        await requestOnce(port);
        ok++;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return { ok, failures };
    },
  };
}

function listening(port: number): Promise<boolean> {
  return requestOnce(port).then(
    () => true,
    () => false,
  );
}

export interface NginxServer {
  port: number;
  dir: string;
  /** The include file the router manages. */
  upstreamFile: string;
  /** nginx's command-line options for this instance, for the router's test and reload commands. */
  options: string;
  /** The upstream block nginx started with: all traffic on stable. */
  initialUpstream: string;
  /** The `router:` fields (indented for a strategy) for this nginx; `test` replaces the configuration test. */
  routerYaml(test?: string): string;
  /** Resolves once a reload has replaced every worker (the old ones finished their requests and exited). */
  reloaded(): Promise<void>;
  stop(): Promise<void>;
}

function workerPids(masterPid: number): { pid: number; shuttingDown: boolean }[] {
  const children = execFileSync('pgrep', ['-P', String(masterPid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(Number);
  return children.flatMap((pid) => {
    try {
      return [{ pid, shuttingDown: readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('shutting down') }];
    } catch {
      return [];
    }
  });
}

/**
 * A real nginx in the foreground (no root, no daemon) on a free port, proxying to upstream `app` in a
 * separate include file, which starts with all traffic on stable. With `splitClients` (a key) the file
 * is the router's split_clients form and nginx proxies to the upstream it names in $app.
 */
export async function startNginx(servers: { stable: string; canary: string }, form: { splitClients?: string } = {}): Promise<NginxServer> {
  if (!existsSync(NGINX_BINARY)) throw new Error(`nginx is not installed at ${NGINX_BINARY}: run scripts/ensure-system-deps.sh`);
  const dir = await mkdtemp(join(tmpdir(), 'launch-nginx-'));
  await mkdir(join(dir, 'tmp'));
  const port = await freePort();
  const upstreamFile = join(dir, 'upstream.conf');
  const split_clients = form.splitClients === undefined ? undefined : { key: form.splitClients };
  const initialUpstream = managedFile(
    { type: 'nginx', file: upstreamFile, upstream: 'app', servers, test: '', reload: '', split_clients },
    { stable: 'stable', canary: 'canary', weight: 0 },
  );
  await writeFile(upstreamFile, initialUpstream);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `  ${kind}_temp_path ${join(dir, 'tmp', kind)};`)
    .join('\n');
  await writeFile(
    join(dir, 'nginx.conf'),
    `worker_processes 1;\npid ${join(dir, 'nginx.pid')};\nerror_log stderr warn;\ndaemon off;\nevents { worker_connections 1024; }\n` +
      `http {\n  access_log off;\n${temp}\n  include ${upstreamFile};\n` +
      `  server {\n    listen 127.0.0.1:${port};\n    location / { proxy_pass http://${split_clients ? '$app' : 'app'}; }\n  }\n}\n`,
  );
  const options = `-p ${dir} -c ${join(dir, 'nginx.conf')} -e stderr`;
  const child = spawn(NGINX_BINARY, options.split(' '), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  let workers = new Set<number>();
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}`);
        return listening(port);
      },
      'nginx to listen',
      10_000,
    );
    workers = new Set(workerPids(child.pid!).map((worker) => worker.pid));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    dir,
    upstreamFile,
    options,
    initialUpstream,
    routerYaml: (test = `${NGINX_BINARY} -t -q ${options}`) =>
      [
        'type: nginx',
        `file: ${JSON.stringify(upstreamFile)}`,
        'upstream: app',
        `servers: { stable: "${servers.stable}", canary: "${servers.canary}" }`,
        `test: '${test}'`,
        `reload: '${NGINX_BINARY} -s reload ${options}'`,
        ...(split_clients ? [`split_clients: { key: '${split_clients.key}' }`] : []),
      ]
        .map((line) => `      ${line}`)
        .join('\n'),
    async reloaded() {
      await waitFor(
        () => {
          const now = workerPids(child.pid!);
          return now.length > 0 && now.every((worker) => !worker.shuttingDown && !workers.has(worker.pid));
        },
        'the nginx reload to replace its workers',
        10_000,
      );
      workers = new Set(workerPids(child.pid!).map((worker) => worker.pid));
    },
    stop,
  };
}

export interface HaproxyServer {
  port: number;
  socket: string;
  stop(): Promise<void>;
}

/**
 * A real HAProxy in the foreground on a free port, with an admin socket in a temporary folder;
 * `extra` is more configuration (a frontend).
 */
export async function startHaproxy(servers: Record<string, { address: string; weight: number }>, extra = ''): Promise<HaproxyServer> {
  if (!existsSync(HAPROXY_BINARY)) throw new Error(`HAProxy is not installed at ${HAPROXY_BINARY}: run scripts/ensure-system-deps.sh`);
  const dir = await mkdtemp(join(tmpdir(), 'launch-haproxy-'));
  const port = await freePort();
  const socket = join(dir, 'admin.sock');
  const lines = Object.entries(servers).map(([name, server]) => `  server ${name} ${server.address} weight ${server.weight}`);
  await writeFile(
    join(dir, 'haproxy.cfg'),
    `global\n  stats socket ${socket} mode 600 level admin\n  maxconn 2000\n` +
      `defaults\n  mode http\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n` +
      `frontend web\n  bind 127.0.0.1:${port}\n  default_backend app\n` +
      `backend app\n  balance roundrobin\n${lines.join('\n')}\n${extra}`,
  );
  const child = spawn(HAPROXY_BINARY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${stderr}`);
        return existsSync(socket) && readdirSync(dir).includes('admin.sock') && (await listening(port));
      },
      'haproxy to listen',
      10_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, socket, stop };
}
