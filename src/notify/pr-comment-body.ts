import { formatDuration } from '../util/duration';
import type { LaunchView, PhaseView } from '../events/launch-view';
import { codeSpan, markdownText } from '../util/markdown';
import { characters, fitParts, type BudgetPart } from '../util/size-budget';
import { breachText, headline, outcomeIcon, outcomeText, phaseIcon, phaseLabel } from '../events/launch-text';
import { truncate } from '../util/truncate';

/** A table this long is already past reading. */
const MAX_ROWS = 100;
/** GitHub refuses a comment over 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_536;
/** Room for the lines saying what was left out. */
const NOTE_RESERVE = 512;
const MAX_CELL = 200;

/** The hidden line that finds the comment again: one comment per environment, whatever the run. */
export function prCommentMarker(environment: string): string {
  return `<!-- launch-action:env=${encodeURIComponent(environment)} -->`;
}

/** The PR comment: outcome, a row per phase, the failing checks, and where to read more. */
export function renderPrComment(view: LaunchView): string {
  const header: BudgetPart = {
    name: 'outcome',
    priority: 0,
    blocks: [prCommentMarker(view.facts.environment), `### ${outcomeIcon(view)} ${cell(headline(view))}: ${cell(outcomeText(view))}`, ''],
  };
  const phases = view.phases.size > MAX_ROWS ? view.phasesByInterest().slice(0, MAX_ROWS) : [...view.phases.values()];
  const table: BudgetPart = {
    name: 'phase rows',
    priority: 1,
    head: ['| | Phase | State | Took | Detail |', '| --- | --- | --- | --- | --- |'],
    blocks: phases.map(row),
    tail: [''],
    pinned: new Set(phases.flatMap((phase, at) => (phase.reason || phase.rollback ? [at] : []))),
  };
  const breaches = view.failureBreaches();
  const failing: BudgetPart = {
    name: 'failing checks',
    priority: 2,
    head: ['**Failing checks**'],
    blocks: breaches.slice(-10).map((breach) => `- ${cell(breachText(breach))}`),
    tail: [''],
  };
  const { runUrl, environmentUrl } = view.facts;
  const links = [
    runUrl && `[Workflow run](${runUrl})`,
    environmentUrl && `[Environment](${environmentUrl})`,
    view.launchId && `launch ${codeSpan(view.launchId)}`,
  ];
  const footer: BudgetPart = { name: 'links', priority: 0, blocks: [links.filter(Boolean).join(' · ')] };

  const parts = [header, ...(phases.length ? [table] : []), ...(breaches.length ? [failing] : []), footer];
  const fitted = fitParts(parts, MAX_COMMENT_CHARS, characters, NOTE_RESERVE);
  const shown = phases.length ? fitted.kept[1]! : 0;
  const notes = [
    view.phases.size > shown ? `…and ${view.phases.size - shown} more phases.` : '',
    fitted.left.length
      ? `_Left out to stay within GitHub's comment limit: ${fitted.left.join('; ')}` +
        `; the workflow run's summary and report have every phase._`
      : '',
  ].filter(Boolean);
  const rendered = fitted.rendered.map((text, at) =>
    at === 1 && text !== undefined && phases.length && notes.length ? `${text}\n${notes.join('\n')}\n` : text,
  );
  return rendered.filter((text) => text !== undefined).join('\n');
}

function row(phase: PhaseView): string {
  const took = phase.durationMs === undefined ? '' : formatDuration(phase.durationMs);
  const detail = phase.rollback?.error ?? phase.reason ?? '';
  return (
    `| ${phaseIcon(phase.state)} | ${cell(phase.name)} ${codeSpan(truncate(phase.id, MAX_CELL))}` +
    ` | ${phaseLabel(phase.state)} | ${took} | ${cell(detail)} |`
  );
}

/** One line of table-safe text: markdown escaped (pipes, emphasis, HTML, mentions), long text shortened. */
function cell(text: string): string {
  return markdownText(truncate(text, MAX_CELL));
}
