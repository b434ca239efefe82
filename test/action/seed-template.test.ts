import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../support/run-action';
import { startServer, sendJson, type TestServer } from '../support/http-server';
import { startRegistry, pushImage, type TestRegistry } from '../support/registry';
import { startFakeOfrep, type FakeOfrep } from '../fakes/ofrep';
import { SEED_SPEC } from '../support/seed';
import { startPrometheus, type PrometheusServer } from '../support/prometheus';
import { startMetricsApp, type MetricsApp } from '../support/metrics-app';
import { waitFor } from '../support/wait-for';

const STUBS = ['run_migration', 'deploy', 'run_synthetic_tests', 'disable_traffic', 'shift_traffic', 'check_schema_compatibility'];

/** The product brief's template, unchanged, planned and launched with stub commands on PATH. */
describe('the seed template through node dist/index.js', () => {
  let registry: TestRegistry;
  let ofrep: FakeOfrep;
  let service: TestServer;
  let healthy = true;
  let image: string;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushImage(registry.url, 'shop/api', '2.0.0');
    image = `${registry.host}/shop/api:2.0.0`;
    ofrep = await startFakeOfrep({ flags: { new_checkout: { variants: { on: true, off: false }, defaultVariant: 'on' } } });
    service = await startServer((_req, res) => sendJson(res, healthy ? 200 : 503, { ok: healthy }));
  });
  afterAll(async () => {
    await Promise.all([registry?.close(), ofrep?.close(), service?.close()]);
  });

  function stubWorkspace(): { dir: string; path: string; log: () => string[] } {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const logFile = join(dir, 'stubs.log');
    for (const name of STUBS) {
      writeFileSync(join(bin, name), `#!/usr/bin/env bash\necho "${name}\${*:+ $*}" >> "${logFile}"\n`);
      chmodSync(join(bin, name), 0o755);
    }
    return {
      dir,
      path: `${bin}:${process.env.PATH}`,
      log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : []),
    };
  }

  const vars = (): string =>
    [`IMAGE=${image}`, 'IMAGE_TAG=2.0.0', 'PREVIOUS_IMAGE_TAG=1.9.0', `BASE_URL=${service.url}`, `OFREP_URL=${ofrep.url}`].join('\n');

  it('plans as written, naming what the checks still need, and fails the step while it lists problems', async () => {
    const ws = stubWorkspace();
    const run = await runAction({ inputs: { spec: SEED_SPEC, mode: 'plan', 'working-directory': ws.dir }, env: { PATH: ws.path } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toMatch(/::warning::plan: deploy → run reads \$IMAGE_TAG, which nothing sets/);
    expect(run.stdout).toContain('Rollback order on failure: traffic → health → deploy → migration');
    expect(run.stdout).toContain('run:      deploy --image ${IMAGE_TAG}');
    expect(run.stdout).toMatch(/::warning::plan: deploy → gate 'image_digest': image is not set and defaults to \$\{IMAGE\}/);
    expect(ws.log()).toEqual([]);
  });

  it('plans clean once the variables are given, and a launch with problems is refused before phase 1', async () => {
    const ws = stubWorkspace();
    const planned = await runAction({
      inputs: { spec: SEED_SPEC, mode: 'plan', vars: vars(), 'working-directory': ws.dir },
      env: { PATH: ws.path },
    });
    expect(planned.exitCode, planned.stdout).toBe(0);
    expect(planned.outputs.status).toBe('planned');
    const refused = await runAction({ inputs: { spec: SEED_SPEC, 'working-directory': ws.dir }, env: { PATH: ws.path } });
    expect(refused.outputs.status).toBe('failed');
    expect(refused.stdout).toMatch(/the plan lists \d+ problem\(s\); nothing was run/);
    expect(ws.log()).toEqual([]);
  });

  it('launches as written with stub commands, every check real', async () => {
    healthy = true;
    const ws = stubWorkspace();
    const run = await runAction({ inputs: { spec: SEED_SPEC, vars: vars(), 'working-directory': ws.dir }, env: { PATH: ws.path } });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    expect(ws.log()).toEqual([
      'check_schema_compatibility',
      'run_migration --direction up',
      'deploy --image 2.0.0',
      'run_synthetic_tests',
      'shift_traffic --percent 100',
    ]);
    expect(run.summary).toMatch(/\| Artifact Deployment `deploy` \| ✅ verified \|/);
    expect(ofrep.contexts()).toHaveLength(1);
  });

  it('rolls back in reverse when the health gate fails', async () => {
    healthy = false;
    const ws = stubWorkspace();
    const run = await runAction({ inputs: { spec: SEED_SPEC, vars: vars(), 'working-directory': ws.dir }, env: { PATH: ws.path } });
    expect(run.outputs.status).toBe('rolled_back');
    expect(run.outputs['failed-phase']).toBe('health');
    expect(ws.log()).toEqual([
      'check_schema_compatibility',
      'run_migration --direction up',
      'deploy --image 2.0.0',
      // Not disable_traffic: the health phase's gate failed, so its command never ran.
      'deploy --image 1.9.0',
      'run_migration --direction down',
    ]);
    expect(run.stdout).toContain('→ 503, expected 200 (3 of 3 attempts failed');
    expect(run.stdout).toContain('Health Verification [health]: not started, nothing to undo');
  });

  describe('with a metric preset added, against real Prometheus', () => {
    let prometheus: PrometheusServer;
    let app: MetricsApp;
    beforeAll(async () => {
      app = await startMetricsApp({ version: '2.0.0', naming: 'http-requests-total' });
      prometheus = await startPrometheus({ targets: [{ address: app.address }] });
      await waitFor(
        async () => (await prometheus.query('sum(rate(http_requests_total[5s])) > 0')).length === 1,
        'traffic in Prometheus',
        30_000,
        200,
      );
    });
    afterAll(async () => {
      await prometheus?.stop();
      await app?.close();
    });

    /** The template's own lines, with two added under `launch:`: its thresholds then bind with no query. */
    function launchWithPreset(ws: ReturnType<typeof stubWorkspace>) {
      const text = readFileSync(SEED_SPEC, 'utf8').replace(
        /^launch:\n/m,
        'launch:\n  service: app\n  metric_preset: { type: http-requests-total, window: 5s, interval: 500ms }\n',
      );
      writeFileSync(join(ws.dir, 'launch.yml'), text);
      return runAction({
        inputs: { spec: 'launch.yml', vars: vars(), version: '2.0.0', 'prometheus-url': prometheus.url, 'working-directory': ws.dir },
        env: { PATH: ws.path },
        cwd: ws.dir,
      });
    }

    it('watches error_rate and latency_p99_ms in every phase and succeeds while healthy', async () => {
      healthy = true;
      app.setErrorRate(0);
      const ws = stubWorkspace();
      const run = await launchWithPreset(ws);
      expect(run.outputs.status, run.stdout).toBe('succeeded');
      expect(ws.log()).toHaveLength(5);
      expect(run.stdout).not.toContain('is not enforced');
      expect(run.stdout).toMatch(/\[rollback_threshold\.error_rate\] error_rate = 0 within max 0\.02/);
      expect(run.stdout).toMatch(/\[rollback_threshold\.latency_p99_ms\] latency_p99_ms = \d+(\.\d+)? within max 800/);
    });

    it('rolls back at the first phase once the service answers 5xx', async () => {
      healthy = true;
      app.setErrorRate(0.5);
      try {
        await waitFor(
          async () => (await prometheus.query('sum(rate(http_requests_total{code="500"}[5s])) > 0.1')).length === 1,
          'errors in Prometheus',
          15_000,
          200,
        );
        const ws = stubWorkspace();
        const run = await launchWithPreset(ws);
        expect(run.outputs.status, run.stdout).toBe('rolled_back');
        expect(run.outputs['failed-phase']).toBe('migration');
        expect(ws.log()).toEqual(['check_schema_compatibility', 'run_migration --direction up', 'run_migration --direction down']);
        expect(run.stdout).toMatch(/watch 'rollback_threshold\.error_rate' failed: error_rate = 0\.\d+ breached max 0\.02/);
      } finally {
        app.setErrorRate(0);
      }
    });
  });
});
