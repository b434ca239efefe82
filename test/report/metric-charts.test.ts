import { describe, expect, it } from 'vitest';
import type { LaunchEvent } from '../../src/events/event-bus';
import { metricChartsPart } from '../../src/report/metric-charts';

const renderMetricCharts = (events: LaunchEvent[]): string => metricChartsPart(events)?.blocks.join('\n\n') ?? '';

const start = Date.parse('2025-03-01T12:00:00Z');
const measurement = (i: number, value: number | null, verdict: 'pass' | 'fail' | 'inconclusive' | 'error' = 'pass'): LaunchEvent => ({
  type: 'measurement',
  at: start + i * 1000,
  phase: 'deploy',
  check: 'rollback_threshold.error_rate',
  metric: 'error_rate',
  query: 'POST http://prom/api/v1/query query=x',
  value,
  verdict,
  condition: 'max 0.02',
  message: value === null ? 'error_rate: no data (empty result) → inconclusive by no_data policy' : `error_rate = ${value} | ok`,
  bounds: { max: 0.02 },
});

describe('metricChartsPart', () => {
  it('renders nothing when nothing was measured', () => {
    expect(renderMetricCharts([{ type: 'phase.started', at: start, phase: 'deploy' }])).toBe('');
  });

  it('shows the decision, a mermaid chart against the threshold, and each measurement', () => {
    const events: LaunchEvent[] = [
      measurement(0, 0.001),
      measurement(1, null, 'inconclusive'),
      measurement(2, 0.083, 'fail'),
      {
        type: 'check.result',
        at: start + 2500,
        phase: 'deploy',
        stage: 'watch',
        check: 'rollback_threshold.error_rate',
        checkType: 'metric',
        passed: false,
        message: 'error_rate = 0.083 breached max 0.02 (1 of failure_limit 0); query: x',
        durationMs: 2500,
      },
    ];
    const markdown = renderMetricCharts(events);
    expect(markdown).toContain('### error_rate — deploy / rollback_threshold.error_rate');
    expect(markdown).toContain('**Failed**: error_rate = 0.083 breached max 0.02 (1 of failure_limit 0); query: x');
    expect(markdown).toContain('Condition: max 0.02 · 3 measurements (1 pass, 1 inconclusive, 1 fail)');
    expect(markdown).toContain(
      [
        '```mermaid',
        'xychart-beta',
        '  title "error_rate (deploy / rollback_threshold.error_rate)"',
        '  x-axis "seconds" [0, 2]',
        '  y-axis "error_rate" 0 --> 0.0913',
        '  line [0.001, 0.083]',
        '  line [0.02, 0.02]',
        '```',
      ].join('\n'),
    );
    expect(markdown).toContain(
      '| 12:00:01 | no value | inconclusive | error_rate: no data (empty result) → inconclusive by no_data policy |',
    );
    expect(markdown).toContain('| 12:00:02 | 0.083 | fail | error_rate = 0.083 \\| ok |');
  });

  it('keeps long watches readable: at most 60 chart points with the spike kept, and an elided table', () => {
    const events = Array.from({ length: 900 }, (_, i) => measurement(i, i === 457 ? 0.5 : 0.001));
    const markdown = renderMetricCharts(events);
    const line = /\n {2}line \[([^\]]*)\]/.exec(markdown)![1]!.split(', ');
    expect(line.length).toBeLessThanOrEqual(60);
    expect(line).toContain('0.5');
    expect(markdown).toContain('| … | 870 more | | |');
    expect(markdown).toContain('_Still measuring or stopped without a decision._');
  });
});
