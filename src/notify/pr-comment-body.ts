import { formatDuration } from '../spec/duration';
import type { LaunchView, PhaseView } from './launch-view';
import { codeSpan, markdownText } from '../text/markdown';
import { breachText, headline, outcomeText, phaseIcon, phaseLabel, statusIcon, truncate } from './launch-text';

/** GitHub takes 65,536 characters per comment; a table this long is already past reading. */
const MAX_ROWS = 100;
const MAX_CELL = 200;

/** The hidden line that finds the comment again: one comment per environment, whatever the run. */
export function prCommentMarker(environment: string): string {
  return `<!-- launch-action:env=${encodeURIComponent(environment)} -->`;
}

/** The PR comment: outcome, a row per phase, the failing checks, and where to read more. */
export function renderPrComment(view: LaunchView): string {
  const lines = [prCommentMarker(view.facts.environment), `### ${statusIcon(view.progress)} ${cell(headline(view))}: ${cell(outcomeText(view))}`, ''];
  const phases = view.phases.size > MAX_ROWS ? view.phasesByInterest().slice(0, MAX_ROWS) : [...view.phases.values()];
  if (phases.length) {
    lines.push('| | Phase | State | Took | Detail |', '| --- | --- | --- | --- | --- |', ...phases.map(row));
    if (view.phases.size > phases.length) lines.push('', `…and ${view.phases.size - phases.length} more phases.`);
    lines.push('');
  }
  const breaches = view.failureBreaches();
  if (breaches.length) lines.push('**Failing checks**', ...breaches.slice(-10).map((breach) => `- ${cell(breachText(breach))}`), '');
  const { runUrl, environmentUrl } = view.facts;
  const links = [runUrl && `[Workflow run](${runUrl})`, environmentUrl && `[Environment](${environmentUrl})`, view.launchId && `launch ${codeSpan(view.launchId)}`];
  lines.push(links.filter(Boolean).join(' · '));
  return lines.join('\n');
}

function row(phase: PhaseView): string {
  const took = phase.durationMs === undefined ? '' : formatDuration(phase.durationMs);
  const detail = phase.rollback?.error ?? phase.reason ?? '';
  return `| ${phaseIcon(phase.state)} | ${cell(phase.name)} ${codeSpan(truncate(phase.id, MAX_CELL))} | ${phaseLabel(phase.state)} | ${took} | ${cell(detail)} |`;
}

/** One line of table-safe text: markdown escaped (pipes, emphasis, HTML, mentions), long text shortened. */
function cell(text: string): string {
  return markdownText(truncate(text, MAX_CELL));
}
