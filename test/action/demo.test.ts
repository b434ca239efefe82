import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run demo` is the README's first command: keep it true. */
describe('the embedded demo', () => {
  it('launches 2.0.0, catches the failed health check and rolls back to 1.0.0', () => {
    const run = spawnSync(process.execPath, ['scripts/demo.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("❌ Health verification [health] failed: verify 'new version healthy' failed");
    expect(run.stdout).toMatch(/rolling back health → deploy → migrate/);
    expect(run.stdout.indexOf('restoring 1.0.0')).toBeLessThan(run.stdout.indexOf('DROP COLUMN'));
    expect(run.stdout).toContain('after the launch: the service runs 1.0.0, /health answers 200');
  });
});
