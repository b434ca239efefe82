import { describe, expect, it } from 'vitest';
import type { LaunchEvent } from '../../src/events/event-bus';
import { LaunchView } from '../../src/events/launch-view';
import { renderPrComment } from '../../src/notify/pr-comment-body';
import { renderSummary } from '../../src/report/summary';

const t0 = 1_700_000_000_000;
// db ran and was undone; web failed on a check; cache never started when the rollback passed it.
const events: LaunchEvent[] = [
  {
    type: 'launch.started',
    at: t0,
    launchId: 'l1',
    mode: 'launch',
    environment: 'production',
    version: '2.0',
    phases: ['db', 'web', 'cache'].map((id) => ({ id, name: id })),
  },
  { type: 'phase.started', at: t0 + 10, phase: 'db' },
  {
    type: 'check.result',
    at: t0 + 20,
    phase: 'db',
    stage: 'verify',
    check: 'health',
    checkType: 'http',
    passed: true,
    message: 'HTTP 200',
    durationMs: 5,
  },
  { type: 'phase.state', at: t0 + 30, phase: 'db', from: 'verifying', to: 'verified' },
  { type: 'phase.verified', at: t0 + 30, phase: 'db', durationMs: 20 },
  { type: 'phase.started', at: t0 + 40, phase: 'web' },
  {
    type: 'check.result',
    at: t0 + 50,
    phase: 'web',
    stage: 'verify',
    check: 'errors',
    checkType: 'metric',
    passed: false,
    message: 'too many',
    durationMs: 5,
  },
  {
    type: 'check.result',
    at: t0 + 55,
    phase: 'web',
    stage: 'verify',
    check: 'latency',
    checkType: 'metric',
    passed: false,
    message: 'too slow',
    durationMs: 5,
  },
  { type: 'phase.state', at: t0 + 60, phase: 'web', from: 'verifying', to: 'failed' },
  { type: 'phase.failed', at: t0 + 60, phase: 'web', reason: "verify 'errors' failed", durationMs: 20 },
  { type: 'rollback.started', at: t0 + 70, phases: ['cache', 'web', 'db'], reason: 'web failed' },
  { type: 'rollback.phase', at: t0 + 70, phase: 'cache', ok: true, skipped: true, notStarted: true, durationMs: 0 },
  { type: 'phase.state', at: t0 + 90, phase: 'web', from: 'rolling_back', to: 'rolled_back' },
  { type: 'rollback.phase', at: t0 + 90, phase: 'web', ok: true, skipped: false, durationMs: 20 },
  { type: 'phase.state', at: t0 + 130, phase: 'db', from: 'rolling_back', to: 'rolled_back' },
  { type: 'rollback.phase', at: t0 + 130, phase: 'db', ok: true, skipped: false, durationMs: 40 },
  { type: 'rollback.finished', at: t0 + 130, ok: true, failed: [] },
  { type: 'warning', at: t0 + 131, source: 'slack-bot', message: 'rate limited', dropped: 2 },
  { type: 'launch.finished', at: t0 + 140, status: 'rolled_back', failedPhase: 'web', reason: "verify 'errors' failed", durationMs: 140 },
];

describe('LaunchView', () => {
  const view = LaunchView.of(events, { service: 'checkout', environment: 'production', mode: 'launch' });

  it('folds the stream into per-phase state: times, check counts, the first failure, undo times', () => {
    expect(view.phases.get('db')).toMatchObject({
      state: 'rolled_back',
      startedAt: t0 + 10,
      endedAt: t0 + 30,
      checks: { passed: 1, failed: 0 },
      rollback: { startedAt: t0 + 90, endedAt: t0 + 130 },
    });
    expect(view.phases.get('web')).toMatchObject({
      state: 'rolled_back',
      checks: { passed: 0, failed: 2, firstFailure: 'errors: too many' },
      rollback: { startedAt: t0 + 70, endedAt: t0 + 90 },
    });
    expect(view.warnings.map((warning) => warning.dropped)).toEqual([2]);
    expect(view.started && view.finished).toBe(true);
  });

  it('leaves a phase that never started as it was: nothing of it was rolled back', () => {
    expect(view.phases.get('cache')).toMatchObject({ state: 'pending', rollback: { notStarted: true } });
  });

  it('gives the summary and the PR comment the same state for every phase', () => {
    const summary = renderSummary(events);
    const comment = renderPrComment(view);
    expect(summary).toContain('| `cache` | ▫️ pending |');
    expect(comment).toMatch(/\| ▫️ \| cache `cache` \| pending \|/);
    expect(summary).toMatch(/\| `web` \| ↩️ rolled back \| 20ms \| 0 ✔ 2 ✖ \| verify 'errors' failed \|/);
  });
});
