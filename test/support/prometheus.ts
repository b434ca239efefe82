import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for';
import { stopChild } from './process';

/** Debian's package; override with PROMETHEUS_BIN for another build. */
export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/**
 * Basic-auth credentials for tests. The bcrypt hash (cost 4, so each request stays cheap) was made
 * once from the password with libxcrypt; Prometheus' --web.config.file only takes hashes.
 */
export const TEST_BASIC_AUTH = {
  username: 'launch',
  password: 'launch-test-pw',
  bcrypt: '$2b$04$8cRPvQLZmq4917o8hHrTTubymBB.20GUYDtcyjhkFF0EVovAsuna.',
};

export interface ScrapeTarget {
  /** host:port serving /metrics. */
  address: string;
  labels?: Record<string, string>;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  /** Default 1s: measurements see a fault within about a second. */
  scrapeInterval?: string;
  /** Require TEST_BASIC_AUTH on every request. */
  basicAuth?: boolean;
  /** Scrape Prometheus' own metrics too (job `prometheus`), e.g. to count the queries it served. */
  scrapeSelf?: boolean;
}

export interface PrometheusServer {
  url: string;
  /** Runs an instant query straight against the HTTP API (for waiting on data, not for the code under test). */
  query(promql: string): Promise<unknown[]>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function scrapeConfig(options: PrometheusOptions, ownAddress: string): string {
  const interval = options.scrapeInterval ?? '1s';
  const targets = options.targets.map((target) => ({ targets: [target.address], labels: target.labels ?? {} }));
  const self = {
    job_name: 'prometheus',
    static_configs: [{ targets: [ownAddress] }],
    ...(options.basicAuth ? { basic_auth: { username: TEST_BASIC_AUTH.username, password: TEST_BASIC_AUTH.password } } : {}),
  };
  // JSON is YAML: no YAML writer needed.
  return JSON.stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: [{ job_name: 'app', static_configs: targets }, ...(options.scrapeSelf ? [self] : [])],
  });
}

/** A real Prometheus on a free 127.0.0.1 port, with a temporary config and storage, ready to query. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  if (!existsSync(PROMETHEUS_BINARY)) {
    throw new Error(`Prometheus is not installed at ${PROMETHEUS_BINARY}: these tests need a real server (apt-get install prometheus)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'launch-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  await writeFile(join(dir, 'prometheus.yml'), scrapeConfig(options, `127.0.0.1:${port}`));
  const args = [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--log.level=warn'];
  if (options.basicAuth) {
    await writeFile(join(dir, 'web.yml'), JSON.stringify({ basic_auth_users: { [TEST_BASIC_AUTH.username]: TEST_BASIC_AUTH.bcrypt } }));
    args.push(`--web.config.file=${join(dir, 'web.yml')}`);
  }
  const child = spawn(PROMETHEUS_BINARY, [...args, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const headers: Record<string, string> = options.basicAuth
    ? { authorization: `Basic ${Buffer.from(`${TEST_BASIC_AUTH.username}:${TEST_BASIC_AUTH.password}`).toString('base64')}` }
    : {};

  const stop = async (): Promise<void> => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
        return (await fetch(`${url}/-/ready`, { headers })).status === 200;
      },
      'prometheus to be ready',
      20_000,
      50,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    query: async (promql) => {
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: promql }),
      });
      const body = (await response.json()) as { data?: { result?: unknown[] } };
      return body.data?.result ?? [];
    },
    stop,
  };
}
