import { describe, expect, it } from 'vitest';
import { soak } from './analysis-soak';

// The soak of bench/analysis-soak.ts in small, on a fixed seed: two launches per scenario at once
// against one real Prometheus. The bench measures the rates over 20 launches; this holds the guards.
describe('canary analysis against real Prometheus, two instances per launch', () => {
  it('rolls back a canary-only 3× error rate within two measurements; not an equal degradation, nor an unchanged canary', async () => {
    const results = await soak(['equal-degradation', 'unchanged', 'canary-3x-errors'], { launches: 2, seed: 14 });
    const described = results
      .map((r) => `${r.scenario} ${r.analysis}: ${r.rolledBack ? 'rolled back' : 'passed'} ${r.message.slice(0, 300)}`)
      .join('\n');
    expect(results).toHaveLength(12);
    for (const result of results) {
      if (result.scenario === 'canary-3x-errors') {
        expect(result.rolledBack && !result.beforeFault, described).toBe(true);
        expect(result.measurementsToRollback, described).toBeLessThanOrEqual(2);
      } else {
        expect(result.rolledBack, described).toBe(false);
      }
    }
  }, 90_000);
});
