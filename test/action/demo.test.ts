import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const demo = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/demo.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

/** `npm run demo` is the README's first command: keep it true. */
describe('the embedded demos', () => {
  it('canary (the default): passes at 10 %, breaches the error rate at 25 %, rolls back to 0 % and exits 0', () => {
    const run = demo();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const at10 = run.stdout.slice(run.stdout.indexOf('▶ Pause 4s at 10%'), run.stdout.indexOf('▶ Set canary weight to 25%'));
    expect(at10).toMatch(/\[error rate\] error_rate = [\d.]+ within max 0\.05/);
    expect(at10).not.toContain('breached');
    expect(run.stdout).toMatch(
      /❌ Pause 4s at 25% \[canary\.step-4\.pause\] failed: watch 'error rate' failed: error_rate = [\d.]+ breached max 0\.05/,
    );
    expect(run.stdout).not.toContain('Set canary weight to 50%');
    expect(run.stdout).toContain('http router set and read back canary 0%, stable 100%');
    expect(run.stdout).toContain('after the launch: the balancer routes stable 100 %, canary 0 %');
    expect(run.stdout).toMatch(/the \d+ requests since: \d+ × 1\.0\.0 200\n/);
    expect(run.stdout).toContain('demo complete: the canary broke the error-rate limit at 25 % and went back to 0 %');
  });

  it('--basic: launches 2.0.0, catches the failed health check and rolls back to 1.0.0', () => {
    const run = demo('--basic');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("❌ Health verification [health] failed: verify 'new version healthy' failed");
    expect(run.stdout).toMatch(/rolling back health → deploy → migrate/);
    expect(run.stdout.indexOf('restoring 1.0.0')).toBeLessThan(run.stdout.indexOf('DROP COLUMN'));
    expect(run.stdout).toContain('after the launch: the service runs 1.0.0, /health answers 200');
  });
});
