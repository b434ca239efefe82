import type { LaunchEvent } from '../events/event-bus';
import { LaunchView, type PhaseView } from '../events/launch-view';
import { formatDuration } from '../util/duration';
import { finishedWords, phaseIcon, phaseLabel } from '../events/launch-text';
import { codeSpan, markdownText } from '../util/markdown';
import { fitParts, utf8Bytes, type BudgetPart } from '../util/size-budget';

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
  // Only what the events say: the facts given before launch.started are never shown.
  const view = LaunchView.of(events, { service: '', environment: '', mode: 'launch' });
  const rows = [...view.phases.values()];
  const intro: string[] = [];

  const words = finishedWords(view.finished ? view.progress : 'failed', view.toleratedFailures);
  const { version, previousVersion } = view.facts;
  intro.push(`## ${words.icon} Launch ${words.label}${view.started ? ` — ${markdownText(view.facts.environment)}` : ''}`, '');
  const facts = [
    version && `version ${codeSpan(version)}`,
    previousVersion && `previous ${codeSpan(previousVersion)}`,
    view.durationMs !== undefined && `took ${formatDuration(view.durationMs)}`,
    view.failedPhase && `failed phase ${codeSpan(view.failedPhase)}`,
    view.toleratedFailures.length && `failed within their budget ${view.toleratedFailures.map(codeSpan).join(', ')}`,
  ].filter(Boolean);
  if (facts.length) intro.push(facts.join(' · '), '');
  if (view.reason) intro.push(`> ${markdownText(view.reason)}`, '');
  const unsent = droppedNotifications(view);
  if (unsent) intro.push(unsent, '');

  const parts: BudgetPart[] = [{ name: 'outcome', priority: 0, blocks: intro.slice(0, -1) }];
  parts.push({
    name: 'phase table rows',
    priority: 1,
    head: ['', '| Phase | State | Duration | Checks | Detail |', '| --- | --- | --- | --- | --- |'],
    blocks: rows.map(tableRow),
    tail: [''],
    // The failure and anything undone stay in the table whatever is cut.
    pinned: new Set(rows.flatMap((row, at) => (detailOf(row) || row.rollback ? [at] : []))),
    elided: (left) => `| … | ${left} more phases | | | in the report |`,
  });

  const { warnings } = view;
  const gantt = renderGantt(rows);
  if (gantt) parts.push({ name: 'timeline', priority: 3, whole: true, blocks: ['```mermaid', gantt, '```', ''] });
  if (warnings.length) {
    parts.push({
      name: 'warnings',
      priority: 2,
      head: ['### Warnings', ''],
      blocks: warnings.map((w) => `- **${markdownText(w.source)}**: ${markdownText(w.message)}`),
      tail: [''],
      elided: (left) => `- …and ${left} more in the report`,
    });
  }
  parts.push(...extras);

  const fitted = fitParts(parts, options.limitBytes ?? SUMMARY_LIMIT_BYTES, utf8Bytes, NOTE_RESERVE);
  const [outcome, ...rest] = fitted.rendered;
  const note = fitted.left.length
    ? [`\n> ✂️ Left out to stay within GitHub's 1 MiB summary limit: ${fitted.left.join('; ')}. ${reportPointer(options.reportPath)}`]
    : [];
  return [outcome, ...note, ...rest].filter((text) => text !== undefined).join('\n');
}

/**
 * In the outcome, not the trimmable warnings: a reader who relies on Slack or the PR comment must
 * learn that some of what they saw there was left out (rate limits, the end-of-launch deadline).
 */
function droppedNotifications(view: LaunchView): string | undefined {
  const counts = view.warnings.flatMap((w) => (w.dropped ? [`${w.dropped} by ${codeSpan(w.source)}`] : []));
  return counts.length ? `📭 Notifications dropped under rate limits or the end-of-launch deadline: ${counts.join(', ')}` : undefined;
}

/** The plan's text for the summary: cut at line ends, its fence always closed, so a plan of thousands of phases still fits. */
export function planPart(text: string): BudgetPart {
  return {
    name: 'plan lines',
    priority: 4,
    head: ['### Plan', '', '```text'],
    blocks: text.split('\n'),
    tail: ['```'],
    elided: (left) => `… ${left} more lines`,
  };
}

function reportPointer(path: string | undefined): string {
  return path ? `The JSON report (the \`report\` output, ${codeSpan(path)}) holds every event.` : 'The step log holds every event.';
}

function tableRow(row: PhaseView): string {
  const duration = row.startedAt !== undefined && row.endedAt !== undefined ? formatDuration(row.endedAt - row.startedAt) : '–';
  const { passed, failed } = row.checks;
  const checks = passed + failed ? `${passed} ✔ ${failed ? `${failed} ✖` : ''}`.trim() : '–';
  const label = row.name === row.id ? codeSpan(row.id) : `${markdownText(row.name)} ${codeSpan(row.id)}`;
  return `| ${label} | ${phaseIcon(row.state)} ${phaseLabel(row.state)} | ${duration} | ${checks} | ${markdownText(rowDetail(row))} |`;
}

/** What went wrong in the phase itself: why it failed, else its first failing check. */
function detailOf(row: PhaseView): string {
  return row.reason ?? row.checks.firstFailure ?? '';
}

function rowDetail(row: PhaseView): string {
  if (row.rollback && !row.rollback.ok) return `ROLLBACK FAILED: ${row.rollback.error ?? ''}`;
  return detailOf(row);
}

function renderGantt(rows: readonly PhaseView[]): string | undefined {
  const ran = rows.filter((row) => row.startedAt !== undefined);
  const undone = rows.filter((row) => row.rollback && !row.rollback.skipped).sort((a, b) => a.rollback!.startedAt - b.rollback!.startedAt);
  if (!ran.length && !undone.length) return undefined;
  const lines = ['gantt', '  title Launch timeline', '  dateFormat x', '  axisFormat %M:%S'];
  if (ran.length) lines.push('  section Launch');
  for (const row of ran) {
    // The launch section shows how the phase itself went; its rollback has a row of its own below.
    const tag = detailOf(row) ? 'crit, ' : 'done, ';
    lines.push(
      `  ${ganttLabel(row.name)} :${tag}${Math.round(row.startedAt!)}` +
        `, ${Math.round(Math.max(row.endedAt ?? row.startedAt!, row.startedAt! + 1))}`,
    );
  }
  if (undone.length) lines.push('  section Rollback');
  for (const row of undone) {
    const rb = row.rollback!;
    lines.push(
      `  undo ${ganttLabel(row.name)} :${rb.ok ? 'active, ' : 'crit, '}${Math.round(rb.startedAt)}` +
        `, ${Math.round(Math.max(rb.endedAt, rb.startedAt + 1))}`,
    );
  }
  return lines.join('\n');
}

/** Mermaid task names may not hold `:` or `#` (they start the task data and comments). */
function ganttLabel(name: string): string {
  return name.replace(/[:#;]/g, ' ').replace(/\s+/g, ' ').trim() || 'phase';
}
