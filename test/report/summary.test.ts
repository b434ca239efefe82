import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/summary';
import type { LaunchEvent } from '../../src/engine/events';

const t0 = 1_700_000_000_000;
const events: LaunchEvent[] = [
  { type: 'launch.started', at: t0, launchId: 'l1', mode: 'launch', environment: 'prod', version: '2.0', previousVersion: '1.9', phases: [{ id: 'db', name: 'DB: migrate | expand' }, { id: 'web', name: 'Web' }, { id: 'flags', name: 'Flags' }] },
  { type: 'phase.started', at: t0 + 10, phase: 'db' },
  { type: 'phase.state', at: t0 + 10, phase: 'db', from: 'pending', to: 'validating' },
  { type: 'check.result', at: t0 + 20, phase: 'db', stage: 'gate', check: 'compat', checkType: 'command', passed: true, message: 'ok', durationMs: 5 },
  { type: 'phase.state', at: t0 + 500, phase: 'db', from: 'verifying', to: 'verified' },
  { type: 'phase.verified', at: t0 + 500, phase: 'db', durationMs: 490 },
  { type: 'phase.started', at: t0 + 510, phase: 'web' },
  { type: 'check.result', at: t0 + 900, phase: 'web', stage: 'verify', check: 'health', checkType: 'http_status', passed: false, message: 'GET /health → 503, expected 200', durationMs: 5 },
  { type: 'phase.state', at: t0 + 900, phase: 'web', from: 'verifying', to: 'failed' },
  { type: 'phase.failed', at: t0 + 900, phase: 'web', reason: "verify 'health' failed", durationMs: 390 },
  { type: 'rollback.started', at: t0 + 901, phases: ['web', 'db'], reason: 'x' },
  { type: 'phase.state', at: t0 + 950, phase: 'web', from: 'rolling_back', to: 'rolled_back' },
  { type: 'rollback.phase', at: t0 + 950, phase: 'web', ok: true, skipped: false, durationMs: 49 },
  { type: 'phase.state', at: t0 + 990, phase: 'db', from: 'rolling_back', to: 'rollback_failed' },
  { type: 'rollback.phase', at: t0 + 990, phase: 'db', ok: false, skipped: false, error: 'rollback exited with code 2', durationMs: 40 },
  { type: 'rollback.finished', at: t0 + 991, ok: false, failed: ['db'] },
  { type: 'warning', at: t0 + 992, source: 'slack-bot', message: 'channel_not_found' },
  { type: 'launch.finished', at: t0 + 995, status: 'rollback_failed', failedPhase: 'web', reason: "verify 'health' failed", durationMs: 995 },
];

describe('job summary', () => {
  const summary = renderSummary(events);

  it('leads with the outcome and the facts of the launch', () => {
    expect(summary).toMatch(/^## 🚨 Launch ROLLBACK FAILED — prod\n/);
    expect(summary).toContain('version `2.0` · previous `1.9` · took 995ms · failed phase `web`');
  });

  it('has a row per phase, with state, duration, checks and the failing detail, cells escaped', () => {
    expect(summary).toContain('| DB: migrate \\| expand `db` | 🚨 rollback failed | 490ms | 1 ✔ | ROLLBACK FAILED: rollback exited with code 2 |');
    expect(summary).toContain("| Web `web` | ↩️ rolled back | 390ms | 0 ✔ 1 ✖ | verify 'health' failed |");
    expect(summary).toMatch(/\| Flags `flags` \| .* pending \| – \| – \|/);
  });

  it('draws a mermaid gantt of the launch and the rollback, with mermaid-safe names', () => {
    const gantt = summary.slice(summary.indexOf('```mermaid'), summary.indexOf('```', summary.indexOf('```mermaid') + 3));
    expect(gantt).toContain('dateFormat x');
    expect(gantt).toContain(`DB migrate | expand :done, ${t0 + 10}, ${t0 + 500}`);
    expect(gantt).toContain(`Web :crit, ${t0 + 510}, ${t0 + 900}`);
    expect(gantt).toContain('section Rollback');
    expect(gantt).toContain(`undo Web :active, ${t0 + 901}, ${t0 + 950}`);
    expect(gantt).toContain(`undo DB migrate | expand :crit, ${t0 + 950}, ${t0 + 990}`);
  });

  it('lists warnings', () => {
    expect(summary).toContain('- **slack-bot**: channel_not_found');
  });
});
