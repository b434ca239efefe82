import type { LaunchEvent, EventOf } from '../events/event-bus';
import { formatDuration } from '../util/duration';
import { finishedWords, phaseIcon, phaseLabel } from '../events/launch-text';
import type { PhaseState } from '../events/states';
import { codeSpan, markdownText } from '../util/markdown';
import { fitParts, utf8Bytes, type BudgetPart } from '../util/size-budget';

interface PhaseRow {
  id: string;
  name: string;
  state: PhaseState;
  start?: number;
  end?: number;
  passed: number;
  failed: number;
  detail: string;
  rollback?: { start: number; end: number; ok: boolean; skipped: boolean; error?: string };
}

/** GitHub refuses a step summary over 1024k, and then shows none of it. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** Room for the note saying what was left out. */
const NOTE_RESERVE = 4096;

export interface SummaryOptions {
  /** Where the JSON report is (the `report` output): the note points there when anything is left out. */
  reportPath?: string;
  limitBytes?: number;
}

/**
 * The job summary: outcome, a phase table, a mermaid timeline (rollback included), then extras. Kept
 * within GitHub's limit: outcome and failure always, then the table's rows, warnings, timeline and
 * extras in their priority order, with a note naming what was left out.
 */
export function renderSummary(events: readonly LaunchEvent[], extras: readonly BudgetPart[] = [], options: SummaryOptions = {}): string {
  const started = events.find((e): e is EventOf<'launch.started'> => e.type === 'launch.started');
  const finished = events.find((e): e is EventOf<'launch.finished'> => e.type === 'launch.finished');
  const rows = collectRows(events);
  const intro: string[] = [];

  const status = finished?.status ?? 'failed';
  const words = finishedWords(status, finished?.toleratedFailures);
  intro.push(`## ${words.icon} Launch ${words.label}${started ? ` — ${markdownText(started.environment)}` : ''}`, '');
  const facts = [
    started?.version && `version ${codeSpan(started.version)}`,
    started?.previousVersion && `previous ${codeSpan(started.previousVersion)}`,
    finished && `took ${formatDuration(finished.durationMs)}`,
    finished?.failedPhase && `failed phase ${codeSpan(finished.failedPhase)}`,
    finished?.toleratedFailures?.length && `failed within their budget ${finished.toleratedFailures.map(codeSpan).join(', ')}`,
  ].filter(Boolean);
  if (facts.length) intro.push(facts.join(' · '), '');
  if (finished?.reason) intro.push(`> ${markdownText(finished.reason)}`, '');
  const unsent = droppedNotifications(events);
  if (unsent) intro.push(unsent, '');

  const parts: BudgetPart[] = [{ name: 'outcome', priority: 0, blocks: intro.slice(0, -1) }];
  parts.push({
    name: 'phase table rows',
    priority: 1,
    head: ['', '| Phase | State | Duration | Checks | Detail |', '| --- | --- | --- | --- | --- |'],
    blocks: rows.map(tableRow),
    tail: [''],
    // The failure and anything undone stay in the table whatever is cut.
    pinned: new Set(rows.flatMap((row, at) => (row.detail || row.rollback ? [at] : []))),
    elided: (left) => `| … | ${left} more phases | | | in the report |`,
  });

  const warnings = events.filter((e): e is EventOf<'warning'> => e.type === 'warning');
  const gantt = renderGantt(rows);
  if (gantt) parts.push({ name: 'timeline', priority: 3, whole: true, blocks: ['```mermaid', gantt, '```', ''] });
  if (warnings.length) {
    parts.push({ name: 'warnings', priority: 2, head: ['### Warnings', ''], blocks: warnings.map((w) => `- **${markdownText(w.source)}**: ${markdownText(w.message)}`), tail: [''], elided: (left) => `- …and ${left} more in the report` });
  }
  parts.push(...extras);

  const fitted = fitParts(parts, options.limitBytes ?? SUMMARY_LIMIT_BYTES, utf8Bytes, NOTE_RESERVE);
  const [outcome, ...rest] = fitted.rendered;
  const note = fitted.left.length ? [`\n> ✂️ Left out to stay within GitHub's 1 MiB summary limit: ${fitted.left.join('; ')}. ${reportPointer(options.reportPath)}`] : [];
  return [outcome, ...note, ...rest].filter((text) => text !== undefined).join('\n');
}

/**
 * In the outcome, not the trimmable warnings: a reader who relies on Slack or the PR comment must
 * learn that some of what they saw there was left out (rate limits, the end-of-launch deadline).
 */
function droppedNotifications(events: readonly LaunchEvent[]): string | undefined {
  const counts = events.flatMap((e) => (e.type === 'warning' && e.dropped ? [`${e.dropped} by ${codeSpan(e.source)}`] : []));
  return counts.length ? `📭 Notifications dropped under rate limits or the end-of-launch deadline: ${counts.join(', ')}` : undefined;
}

/** The plan's text for the summary: cut at line ends, its fence always closed, so a plan of thousands of phases still fits. */
export function planPart(text: string): BudgetPart {
  return { name: 'plan lines', priority: 4, head: ['### Plan', '', '```text'], blocks: text.split('\n'), tail: ['```'], elided: (left) => `… ${left} more lines` };
}

function reportPointer(path: string | undefined): string {
  return path ? `The JSON report (the \`report\` output, ${codeSpan(path)}) holds every event.` : 'The step log holds every event.';
}

function tableRow(row: PhaseRow): string {
  const duration = row.start !== undefined && row.end !== undefined ? formatDuration(row.end - row.start) : '–';
  const checks = row.passed + row.failed ? `${row.passed} ✔ ${row.failed ? `${row.failed} ✖` : ''}`.trim() : '–';
  const label = row.name === row.id ? codeSpan(row.id) : `${markdownText(row.name)} ${codeSpan(row.id)}`;
  return `| ${label} | ${phaseIcon(row.state)} ${phaseLabel(row.state)} | ${duration} | ${checks} | ${markdownText(rowDetail(row))} |`;
}

function rowDetail(row: PhaseRow): string {
  if (row.rollback && !row.rollback.ok) return `ROLLBACK FAILED: ${row.rollback.error ?? ''}`;
  return row.detail;
}

function collectRows(events: readonly LaunchEvent[]): PhaseRow[] {
  const rows = new Map<string, PhaseRow>();
  const row = (id: string): PhaseRow => {
    let found = rows.get(id);
    if (!found) rows.set(id, (found = { id, name: id, state: 'pending', passed: 0, failed: 0, detail: '' }));
    return found;
  };
  let lastRollbackEnd: number | undefined;
  for (const event of events) {
    switch (event.type) {
      case 'launch.started':
        for (const phase of event.phases) row(phase.id).name = phase.name;
        break;
      case 'phase.started':
        row(event.phase).start = event.at;
        break;
      case 'phase.state':
        row(event.phase).state = event.to;
        break;
      case 'check.result': {
        const r = row(event.phase);
        if (event.passed) r.passed++;
        else {
          r.failed++;
          r.detail ||= `${event.check}: ${event.message}`;
        }
        break;
      }
      case 'phase.verified':
        row(event.phase).end = event.at;
        break;
      case 'phase.failed': {
        const r = row(event.phase);
        r.end = event.at;
        r.detail = event.reason;
        break;
      }
      case 'rollback.started':
        lastRollbackEnd = event.at;
        break;
      case 'rollback.phase': {
        // Rollback steps run one after another: each starts when the previous one ended.
        const start = lastRollbackEnd ?? event.at - event.durationMs;
        row(event.phase).rollback = { start, end: event.at, ok: event.ok, skipped: event.skipped, error: event.error };
        lastRollbackEnd = event.at;
        break;
      }
      default:
        break;
    }
  }
  return [...rows.values()];
}

function renderGantt(rows: readonly PhaseRow[]): string | undefined {
  const ran = rows.filter((row) => row.start !== undefined);
  const undone = rows.filter((row) => row.rollback && !row.rollback.skipped).sort((a, b) => a.rollback!.start - b.rollback!.start);
  if (!ran.length && !undone.length) return undefined;
  const lines = ['gantt', '  title Launch timeline', '  dateFormat x', '  axisFormat %M:%S'];
  if (ran.length) lines.push('  section Launch');
  for (const row of ran) {
    // The launch section shows how the phase itself went; its rollback has a row of its own below.
    const tag = row.detail ? 'crit, ' : 'done, ';
    lines.push(`  ${ganttLabel(row.name)} :${tag}${Math.round(row.start!)}, ${Math.round(Math.max(row.end ?? row.start!, row.start! + 1))}`);
  }
  if (undone.length) lines.push('  section Rollback');
  for (const row of undone) {
    const rb = row.rollback!;
    lines.push(`  undo ${ganttLabel(row.name)} :${rb.ok ? 'active, ' : 'crit, '}${Math.round(rb.start)}, ${Math.round(Math.max(rb.end, rb.start + 1))}`);
  }
  return lines.join('\n');
}

/** Mermaid task names may not hold `:` or `#` (they start the task data and comments). */
function ganttLabel(name: string): string {
  return name.replace(/[:#;]/g, ' ').replace(/\s+/g, ' ').trim() || 'phase';
}
