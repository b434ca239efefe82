import { describe, expect, it } from 'vitest';
import { runAction } from '../support/run-action';
import { phase, workspace } from '../support/workspace';

describe('the job summary dist/ writes stays within GitHub limit', () => {
  it('3,000 phases fit a 1 MiB summary: phase table first, plan cut at a line (fence closed), a note pointing to the report', async () => {
    const phases = Array.from({ length: 3000 }, (_, i) => phase(`phase-${i}`, `true ${'--verbose '.repeat(40)}`)).join('');
    const ws = workspace(`launch:\n  environment: production\n  phases:${phases}\n`);
    const run = await runAction({
      inputs: { spec: 'launch.yml', mode: 'plan', 'working-directory': ws.dir },
      cwd: ws.dir,
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(Buffer.byteLength(run.summary, 'utf8')).toBeLessThanOrEqual(1024 * 1024);
    expect(run.summary).toMatch(/^## 📝 Launch planned — production\n/);
    expect(run.summary).toContain(
      '| Phase | State | Duration | Checks | Detail |\n| --- | --- | --- | --- | --- |\n| `phase-0` | ▫️ pending |',
    );
    expect(run.summary).toContain(`> ✂️ Left out to stay within GitHub's 1 MiB summary limit:`);
    expect(run.summary).toContain(`The JSON report (the \`report\` output, \`${run.outputs.report}\`) holds every event.`);
    expect(run.summary).toMatch(/… [\d]+ more lines\n```/);
    expect((run.summary.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(ws.log()).toEqual([]);
  });
});
