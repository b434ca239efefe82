import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus';
import { stopChild } from './process';
import { waitFor } from './wait-for';
import { HAPROXY_BINARY } from './traffic-servers';

export interface HaproxyExporter {
  /** host:port of the built-in Prometheus exporter (/metrics), as a scrape target. */
  metricsAddress: string;
  /** The frontend that balances requests over the backend's servers. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A real HAProxy in the foreground: backend `backend` with one server per entry of `servers` (name →
 * host:port, equal weights), and its built-in exporter (`prometheus-exporter` service) on a second port.
 */
export async function startHaproxyExporter(backend: string, servers: Record<string, string>): Promise<HaproxyExporter> {
  if (!existsSync(HAPROXY_BINARY)) throw new Error(`HAProxy is not installed at ${HAPROXY_BINARY}: run scripts/ensure-system-deps.sh`);
  const dir = await mkdtemp(join(tmpdir(), 'launch-haproxy-exporter-'));
  const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
  const lines = Object.entries(servers).map(([name, address]) => `  server ${name} ${address}`);
  await writeFile(
    join(dir, 'haproxy.cfg'),
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 10s',
      '  timeout server 10s',
      'frontend metrics',
      `  bind 127.0.0.1:${metricsPort}`,
      '  http-request use-service prometheus-exporter if { path /metrics }',
      'frontend web',
      `  bind 127.0.0.1:${port}`,
      `  default_backend ${backend}`,
      `backend ${backend}`,
      '  balance roundrobin',
      ...lines,
      '',
    ].join('\n'),
  );
  const child = spawn(HAPROXY_BINARY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${stderr}`);
      return (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok;
    }, 'the HAProxy exporter to answer', 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { metricsAddress: `127.0.0.1:${metricsPort}`, url: `http://127.0.0.1:${port}`, stop };
}

/** Steady requests to `url` (`perSecond`), each on its own, until stopped: the traffic HAProxy measures. */
export function steadyRequests(url: string, perSecond: number): { stop(): void } {
  const timer = setInterval(() => void fetch(url).then((r) => r.text(), () => undefined), 1000 / perSecond);
  return { stop: () => clearInterval(timer) };
}
