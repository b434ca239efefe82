import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../support/run-action';
import { startPrometheus, type PrometheusServer } from '../support/prometheus';
import { startMetricsApp, type MetricsApp } from '../support/metrics-app';
import { waitFor } from '../support/wait-for';

// A launch through node dist/index.js whose rollback_threshold binds to a metric measured in a real
// Prometheus (scrape 1s) scraping a prom-client service that the test makes healthy or failing.
let prometheus: PrometheusServer;
let app: MetricsApp;

beforeAll(async () => {
  app = await startMetricsApp({ version: 'v2' });
  prometheus = await startPrometheus({ targets: [{ address: app.address }] });
  await waitFor(
    async () => (await prometheus.query('sum(rate(app_requests_total[5s])) > 0')).length === 1,
    'traffic in Prometheus',
    30_000,
    200,
  );
});
afterAll(async () => {
  await prometheus?.stop();
  await app?.close();
});

const SPEC = `launch:
  environment: production
  metrics:
    error_rate:
      provider: prometheus
      query: >-
        sum(rate(app_requests_total{status="500",version="\${version}"}[5s]))
        / sum(rate(app_requests_total{version="\${version}"}[5s]))
      interval: 500ms
  rollback_threshold:
    error_rate: 0.02
  phases:
    - id: deploy
      run: echo deploy >> log; sleep 2
      rollback: echo undo-deploy >> log
    - id: traffic
      run: echo traffic >> log; sleep 2
      rollback: echo undo-traffic >> log
`;

function launch(): Promise<{ status?: string; log: string[]; stdout: string; summary: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'metric-launch-'));
  writeFileSync(join(dir, 'launch.yml'), SPEC);
  return runAction({
    inputs: { spec: 'launch.yml', version: 'v2', 'prometheus-url': prometheus.url, 'working-directory': dir },
    cwd: dir,
  }).then((run) => ({
    status: run.outputs.status,
    stdout: run.stdout,
    summary: run.summary,
    log: existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').trim().split('\n') : [],
  }));
}

describe('a launch watched by real Prometheus metrics', () => {
  it('succeeds while the service is healthy', async () => {
    app.setErrorRate(0);
    const run = await launch();
    expect(run.status, run.stdout).toBe('succeeded');
    expect(run.log).toEqual(['deploy', 'traffic']);
    expect(run.summary).toContain('xychart-beta');
  });

  it('rolls back in reverse once the error rate breaches the threshold', async () => {
    app.setErrorRate(0.5);
    await waitFor(
      async () =>
        (await prometheus.query('sum(rate(app_requests_total{status="500"}[5s])) / sum(rate(app_requests_total[5s])) > 0.1')).length === 1,
      'errors visible in Prometheus',
      30_000,
      200,
    );
    const run = await launch();
    expect(run.status, run.stdout).toBe('rolled_back');
    expect(run.log).toEqual(['deploy', 'undo-deploy']);
    expect(run.stdout).toMatch(/error_rate = 0\.\d+ breached max 0\.02/);
  });
});
