import { describe, expect, it } from 'vitest';
import { planPart, renderSummary } from '../../src/report/summary';
import { metricChartsPart } from '../../src/report/metric-charts';
import type { LaunchEvent } from '../../src/events/event-bus';

const t0 = 1_700_000_000_000;
const events: LaunchEvent[] = [
  {
    type: 'launch.started',
    at: t0,
    launchId: 'l1',
    mode: 'launch',
    environment: 'prod',
    version: '2.0',
    previousVersion: '1.9',
    phases: [
      { id: 'db', name: 'DB: migrate | expand' },
      { id: 'web', name: 'Web' },
      { id: 'flags', name: 'Flags' },
    ],
  },
  { type: 'phase.started', at: t0 + 10, phase: 'db' },
  { type: 'phase.state', at: t0 + 10, phase: 'db', from: 'pending', to: 'validating' },
  {
    type: 'check.result',
    at: t0 + 20,
    phase: 'db',
    stage: 'gate',
    check: 'compat',
    checkType: 'command',
    passed: true,
    message: 'ok',
    durationMs: 5,
  },
  { type: 'phase.state', at: t0 + 500, phase: 'db', from: 'verifying', to: 'verified' },
  { type: 'phase.verified', at: t0 + 500, phase: 'db', durationMs: 490 },
  { type: 'phase.started', at: t0 + 510, phase: 'web' },
  {
    type: 'check.result',
    at: t0 + 900,
    phase: 'web',
    stage: 'verify',
    check: 'health',
    checkType: 'http_status',
    passed: false,
    message: 'GET /health → 503, expected 200',
    durationMs: 5,
  },
  { type: 'phase.state', at: t0 + 900, phase: 'web', from: 'verifying', to: 'failed' },
  { type: 'phase.failed', at: t0 + 900, phase: 'web', reason: "verify 'health' failed", durationMs: 390 },
  { type: 'rollback.started', at: t0 + 901, phases: ['web', 'db'], reason: 'x' },
  { type: 'phase.state', at: t0 + 950, phase: 'web', from: 'rolling_back', to: 'rolled_back' },
  { type: 'rollback.phase', at: t0 + 950, phase: 'web', ok: true, skipped: false, durationMs: 49 },
  { type: 'phase.state', at: t0 + 990, phase: 'db', from: 'rolling_back', to: 'rollback_failed' },
  { type: 'rollback.phase', at: t0 + 990, phase: 'db', ok: false, skipped: false, error: 'rollback exited with code 2', durationMs: 40 },
  { type: 'rollback.finished', at: t0 + 991, ok: false, failed: ['db'] },
  { type: 'warning', at: t0 + 992, source: 'slack-bot', message: 'channel_not_found' },
  {
    type: 'launch.finished',
    at: t0 + 995,
    status: 'rollback_failed',
    failedPhase: 'web',
    reason: "verify 'health' failed",
    durationMs: 995,
  },
];

describe('job summary', () => {
  const summary = renderSummary(events);

  it('leads with the outcome and the facts of the launch', () => {
    expect(summary).toMatch(/^## 🚨 Launch ROLLBACK FAILED — prod\n/);
    expect(summary).toContain('version `2.0` · previous `1.9` · took 995ms · failed phase `web`');
  });

  it('has a row per phase, with state, duration, checks and the failing detail, cells escaped', () => {
    expect(summary).toContain(
      '| DB: migrate \\| expand `db` | 🚨 rollback failed | 490ms | 1 ✔ | ROLLBACK FAILED: rollback exited with code 2 |',
    );
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

describe('job summary within GitHub limit', () => {
  const MiB = 1024 * 1024;
  const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
  const fences = (text: string): number => (text.match(/^```/gm) ?? []).length;

  it('keeps a 200-phase launch with two metrics under 1 MiB: table head, the failure, a note naming what was left out', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `phase-${i}`);
    const long: LaunchEvent[] = [
      {
        type: 'launch.started',
        at: t0,
        launchId: 'l2',
        mode: 'launch',
        environment: 'prod',
        version: '3.0',
        phases: ids.map((id) => ({ id, name: `Deploy ${id} ${'é'.repeat(300)}` })),
      },
    ];
    ids.forEach((phase, i) => {
      const at = t0 + i * 100_000;
      long.push({ type: 'phase.started', at, phase });
      for (const metric of ['error_rate', 'latency_p99']) {
        for (let m = 0; m < 40; m++)
          long.push({
            type: 'measurement',
            at: at + m * 1000,
            phase,
            check: `watch.${metric}`,
            metric,
            value: m / 1000,
            verdict: 'pass',
            condition: 'max 0.5',
            message: `${metric} = ${m / 1000} ${'ok '.repeat(30)}`,
            bounds: { max: 0.5 },
          });
        long.push({
          type: 'check.result',
          at: at + 50_000,
          phase,
          stage: 'watch',
          check: `watch.${metric}`,
          checkType: 'metric',
          passed: i < 199,
          message: `${metric} ${i < 199 ? 'held' : 'breached max 0.5'}`,
          durationMs: 50_000,
        });
      }
      long.push({ type: 'phase.state', at: at + 60_000, phase, from: 'verifying', to: i < 199 ? 'verified' : 'failed' });
      if (i < 199) long.push({ type: 'phase.verified', at: at + 60_000, phase, durationMs: 60_000 });
      else long.push({ type: 'phase.failed', at: at + 60_000, phase, reason: "watch 'watch.latency_p99' failed", durationMs: 60_000 });
    });
    long.push({
      type: 'launch.finished',
      at: t0 + 200 * 100_000,
      status: 'rolled_back',
      failedPhase: 'phase-199',
      reason: "watch 'watch.latency_p99' failed",
      durationMs: 200 * 100_000,
    });
    const sections = [...new Set(long.flatMap((e) => (e.type === 'measurement' ? [`${e.phase}/${e.check}`] : [])))];
    const parts = metricChartsPart(long);
    expect(parts?.blocks).toHaveLength(sections.length);
    const untrimmed = renderSummary(long, [parts!], { limitBytes: Number.MAX_SAFE_INTEGER });
    expect(bytes(untrimmed)).toBeGreaterThan(MiB);

    const summary = renderSummary(long, [parts!], { reportPath: '/tmp/run/launch-report-l2.json' });
    expect(bytes(summary)).toBeLessThanOrEqual(MiB);
    expect(summary).toMatch(/^## ↩️ Launch rolled back — prod\n/);
    expect(summary).toContain("> watch 'watch.latency_p99' failed");
    expect(summary).toContain('| Phase | State | Duration | Checks | Detail |');
    expect(summary).toContain('`phase-0` | ✅ verified | 1m | 2 ✔ |');
    expect(summary).toContain("`phase-199` | ❌ failed | 1m | 0 ✔ 2 ✖ | watch 'watch.latency_p99' failed |");
    expect(summary).toMatch(
      /> ✂️ Left out to stay within GitHub's 1 MiB summary limit: .*metric charts.*\. The JSON report \(the `report` output, `\/tmp\/run\/launch-report-l2\.json`\) holds every event\./,
    );
    expect(fences(summary) % 2).toBe(0);
  });

  it('counts dropped notifications in the outcome, which trimming keeps, while the warnings section goes', () => {
    const dropped: LaunchEvent[] = [
      ...events.slice(0, -1),
      ...Array.from({ length: 400 }, (_, i): LaunchEvent => ({
        type: 'warning',
        at: t0 + 993,
        source: 'datadog-events',
        message: `HTTP 500 number ${i} ${'x'.repeat(200)}`,
      })),
      {
        type: 'warning',
        at: t0 + 993,
        source: 'slack-bot',
        message: '187 progress message(s) dropped so that failure, rollback and outcome messages went out in time',
        dropped: 187,
      },
      {
        type: 'warning',
        at: t0 + 993,
        source: 'slack-webhook',
        message: "2 message(s) dropped: not sent within 25 s of the launch's end",
        dropped: 2,
      },
      events.at(-1)!,
    ];
    const line = '📭 Notifications dropped under rate limits or the end-of-launch deadline: 187 by `slack-bot`, 2 by `slack-webhook`';
    expect(renderSummary(events)).not.toContain('📭');
    const full = renderSummary(dropped);
    expect(full.slice(0, full.indexOf('| Phase |'))).toContain(line);
    const trimmed = renderSummary(dropped, [], { limitBytes: 8 * 1024 });
    expect(trimmed).toContain(line);
    expect(trimmed).toMatch(/Left out to stay within .*warnings/);
  });

  it('keeps a 3,000-phase plan under 1 MiB, its fence closed, and the note', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `phase-${i}`);
    const planned: LaunchEvent[] = [
      {
        type: 'launch.started',
        at: t0,
        launchId: 'l3',
        mode: 'plan',
        environment: 'prod',
        version: '3.0',
        phases: ids.map((id) => ({ id, name: `Phase ${id}` })),
      },
      { type: 'launch.finished', at: t0, status: 'planned', durationMs: 0 },
    ];
    const text = ids.map((id) => `${id}: run ./deploy.sh ${'--flag '.repeat(80)}`).join('\n');
    const summary = renderSummary(planned, [planPart(text)], { reportPath: 'r.json' });
    expect(bytes(`### Plan\n\n\`\`\`text\n${text}\n\`\`\``)).toBeGreaterThan(MiB);
    expect(bytes(summary)).toBeLessThanOrEqual(MiB);
    expect(summary).toContain('| Phase phase-0 `phase-0` | ▫️ pending |');
    expect(summary).toContain('| Phase phase-1 `phase-1` |');
    expect(summary).toContain('```text\nphase-0: run');
    expect(summary).toMatch(/… \d+ more lines\n```/);
    expect(summary).toMatch(/Left out to stay within GitHub's 1 MiB summary limit: [\d,]+ of 3,000 plan lines\./);
    expect(fences(summary) % 2).toBe(0);
  });
});
