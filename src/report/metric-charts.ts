import type { EventOf, LaunchEvent } from '../events/event-bus';
import { formatValue } from '../metrics/verdicts/format';
import { markdownText } from '../util/markdown';
import type { BudgetPart } from '../util/size-budget';

type MeasurementEvent = EventOf<'measurement'>;
type ResultEvent = EventOf<'check.result'>;

/** Enough points to see a trend and a spike; more only makes the chart unreadable. */
const MAX_CHART_POINTS = 60;
const TABLE_HEAD_ROWS = 10;
const TABLE_TAIL_ROWS = 20;

const quoted = (text: string): string => `"${text.replace(/"/g, "'")}"`;

function groupMeasurements(events: readonly LaunchEvent[]): MeasurementEvent[][] {
  const groups = new Map<string, MeasurementEvent[]>();
  for (const event of events) {
    if (event.type !== 'measurement') continue;
    const key = JSON.stringify([event.phase, event.check, event.metric]);
    const group = groups.get(key) ?? [];
    group.push(event);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Keeps at most MAX_CHART_POINTS by bucketing, each bucket showing its worst point: the highest
 * against a max, the lowest against a lone min, so a spike never averages away.
 */
function downsample(points: { x: number; y: number }[], worstIsLow: boolean): { x: number; y: number }[] {
  if (points.length <= MAX_CHART_POINTS) return points;
  const size = Math.ceil(points.length / MAX_CHART_POINTS);
  const out: { x: number; y: number }[] = [];
  for (let start = 0; start < points.length; start += size) {
    const bucket = points.slice(start, start + size);
    out.push(bucket.reduce((worst, point) => ((worstIsLow ? point.y < worst.y : point.y > worst.y) ? point : worst)));
  }
  return out;
}

function renderChart(group: MeasurementEvent[]): string {
  const first = group[0]!;
  const bounds = first.bounds ?? {};
  const start = first.at;
  const points = group
    .filter((event) => event.value !== null && Number.isFinite(event.value))
    .map((event) => ({ x: Math.round((event.at - start) / 1000), y: event.value! }));
  if (!points.length) return '';
  const shown = downsample(points, bounds.max === undefined && bounds.min !== undefined);
  const limits = [bounds.max, bounds.min].filter((limit): limit is number => limit !== undefined);
  const all = [...shown.map((point) => point.y), ...limits];
  const low = Math.min(0, ...all);
  const high = Math.max(...all) * 1.1 || 1;
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title ${quoted(`${first.metric} (${first.phase} / ${first.check})`)}`,
    `  x-axis "seconds" [${shown.map((point) => point.x).join(', ')}]`,
    `  y-axis ${quoted(first.metric)} ${formatValue(low)} --> ${formatValue(high)}`,
    `  line [${shown.map((point) => formatValue(point.y)).join(', ')}]`,
    ...limits.map((limit) => `  line [${shown.map(() => formatValue(limit)).join(', ')}]`),
    '```',
  ];
  const limitNames = [bounds.max !== undefined ? `max ${bounds.max}` : '', bounds.min !== undefined ? `min ${bounds.min}` : ''];
  const legend = `Line 1: measured value${limits.length ? `; then ${limitNames.filter(Boolean).join(', ')}` : ''}.`;
  return `${lines.join('\n')}\n\n${legend}`;
}

function renderTable(group: MeasurementEvent[]): string {
  const row = (event: MeasurementEvent): string =>
    `| ${new Date(event.at).toISOString().slice(11, 19)} | ${event.value === null ? 'no value' : formatValue(event.value)}` +
    ` | ${event.verdict} | ${markdownText(event.message ?? '')} |`;
  const rows =
    group.length <= TABLE_HEAD_ROWS + TABLE_TAIL_ROWS
      ? group.map(row)
      : [
          ...group.slice(0, TABLE_HEAD_ROWS).map(row),
          `| … | ${group.length - TABLE_HEAD_ROWS - TABLE_TAIL_ROWS} more | | |`,
          ...group.slice(-TABLE_TAIL_ROWS).map(row),
        ];
  return ['| time (UTC) | value | verdict | detail |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function renderGroup(group: MeasurementEvent[], result: ResultEvent | undefined): string {
  const first = group[0]!;
  const counts = new Map<string, number>();
  for (const event of group) counts.set(event.verdict, (counts.get(event.verdict) ?? 0) + 1);
  const tally = [...counts.entries()].map(([verdict, count]) => `${count} ${verdict}`).join(', ');
  const decision = result
    ? `**${result.passed ? 'Passed' : 'Failed'}**: ${result.message}`
    : '_Still measuring or stopped without a decision._';
  const parts = [
    `### ${first.metric} — ${first.phase} / ${first.check}`,
    `${decision}\n\nCondition: ${first.condition || 'none'} · ${group.length} measurements (${tally})`,
    renderChart(group),
    renderTable(group),
  ];
  return parts.filter(Boolean).join('\n\n');
}

/**
 * The summary's metrics part: per metric check, its decision, a mermaid chart of the measurements
 * against the threshold, and the measurements themselves; each check's section kept or left out whole.
 */
export function metricChartsPart(events: readonly LaunchEvent[]): BudgetPart | undefined {
  const blocks = metricChartSections(events);
  return blocks.length
    ? { name: 'metric charts', priority: 5, head: ['## Metrics', ''], blocks, separator: '\n\n', tail: [''] }
    : undefined;
}

function metricChartSections(events: readonly LaunchEvent[]): string[] {
  const results = events.filter((event): event is ResultEvent => event.type === 'check.result');
  return groupMeasurements(events).map((group) => {
    const { phase, check } = group[0]!;
    return renderGroup(
      group,
      results.find((result) => result.phase === phase && result.check === check),
    );
  });
}
