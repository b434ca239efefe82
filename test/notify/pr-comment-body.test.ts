import { describe, expect, it } from 'vitest';
import { LaunchView } from '../../src/events/launch-view';
import { renderPrComment } from '../../src/notify/pr-comment-body';
import type { LaunchEvent } from '../../src/events/event-bus';

describe('PR comment within GitHub limit', () => {
  it('keeps a 3,000-phase launch with long, escaped names and details within 65,536 characters, failure first', () => {
    const view = new LaunchView({
      service: 'checkout',
      environment: 'staging',
      mode: 'launch',
      version: '2.0',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    const ids = Array.from({ length: 3000 }, (_, i) => `phase-${i}-${'|'.repeat(150)}`);
    const t0 = 1_700_000_000_000;
    const events: LaunchEvent[] = [
      {
        type: 'launch.started',
        at: t0,
        launchId: 'l9',
        mode: 'launch',
        environment: 'staging',
        version: '2.0',
        phases: ids.map((id) => ({ id, name: `*_${'|`'.repeat(100)}` })),
      },
    ];
    ids.forEach((phase, i) => {
      const at = t0 + i * 10;
      events.push({ type: 'phase.started', at, phase }, { type: 'phase.state', at, phase, from: 'pending', to: 'executing' });
      if (i < 2999)
        events.push(
          { type: 'phase.state', at: at + 5, phase, from: 'verifying', to: 'verified' },
          { type: 'phase.verified', at: at + 5, phase, durationMs: 5 },
        );
      else
        events.push(
          { type: 'phase.state', at: at + 5, phase, from: 'verifying', to: 'failed' },
          { type: 'phase.failed', at: at + 5, phase, reason: `verify 'health' failed ${'<b>|'.repeat(60)}`, durationMs: 5 },
        );
    });
    events.push({
      type: 'launch.finished',
      at: t0 + 40_000,
      status: 'failed',
      failedPhase: ids[2999],
      reason: "verify 'health' failed",
      durationMs: 40_000,
    });
    for (const event of events) view.apply(event);

    const body = renderPrComment(view);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('| | Phase | State | Took | Detail |');
    expect(body).toMatch(/\| ❌ \| .* `phase-2999-\\\|/);
    expect(body).toMatch(/\n…and (\d,?)+ more phases\.\n/);
    expect(body).toMatch(
      /_Left out to stay within GitHub's comment limit: \d+ of 100 phase rows; the workflow run's summary and report have every phase\._/,
    );
    expect(body).toContain('[Workflow run](https://github.com/o/r/actions/runs/1)');
  });
});
