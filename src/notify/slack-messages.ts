import type { EventOf, LaunchEvent } from '../events/event-bus';
import type { LaunchMode, LaunchStatus } from '../events/states';
import { formatDuration } from '../util/duration';
import type { SlackMoment } from './schema';
import type { LaunchView, PhaseView } from '../events/launch-view';
import { breachText, headline, outcomeIcon, outcomeText, phaseCounts, phaseIcon, phaseLabel, statusLabel } from '../events/launch-text';
import {
  SLACK_LIMITS,
  context,
  escapeMrkdwn,
  fitLines,
  header,
  link,
  mrkdwnCode,
  section,
  slackMessage,
  type Block,
  type SlackMessage,
} from './slack-blocks';

/**
 * What each event means for Slack. A step (a breach, one rollback step, the end of a rollback) is a
 * thread reply under the bot's live message; a webhook leaves steps out because the message that
 * follows (phase failed, launch finished) sums them up.
 */
export interface Moment {
  moment: SlackMoment;
  step: boolean;
}

export function momentOf(event: LaunchEvent, mode: LaunchMode): Moment | undefined {
  switch (event.type) {
    case 'launch.started':
      return { moment: 'start', step: false };
    case 'phase.verified':
    case 'phase.failed':
      return { moment: 'phase', step: false };
    case 'check.result':
      return event.passed ? undefined : { moment: 'failure', step: true };
    // A manual rollback's start message already says it is rolling back.
    case 'rollback.started':
      return { moment: 'rollback', step: mode === 'rollback' };
    case 'rollback.phase':
    case 'rollback.finished':
      return { moment: 'rollback', step: true };
    case 'launch.finished': {
      const moment = finishMoment(event.status, mode);
      return moment && { moment, step: false };
    }
    default:
      return undefined;
  }
}

/**
 * Progress a reader can miss when Slack's rate limit cannot carry every message: a phase verified, a
 * breach (its phase's failure message names it), a rollback step that worked. The live message and
 * the summary still show them; failures, a rollback's start and end, a failed step and the outcome
 * are never chatter.
 */
export function isChatter(event: LaunchEvent): boolean {
  return event.type === 'phase.verified' || event.type === 'check.result' || (event.type === 'rollback.phase' && event.ok);
}

function finishMoment(status: LaunchStatus, mode: LaunchMode): SlackMoment | undefined {
  if (status === 'planned') return undefined;
  if (status === 'succeeded') return 'success';
  return status === 'rolled_back' && mode === 'rollback' ? 'rollback' : 'failure';
}

/** The bot's one message per launch: status, facts, every phase (summarised when many), the why. */
export function liveMessage(view: LaunchView): SlackMessage {
  const title = `${outcomeIcon(view)} ${headline(view)}`;
  return slackMessage(escapeMrkdwn(`${title}: ${outcomeText(view)}`), [
    header(title),
    section(`*${escapeMrkdwn(capitalise(outcomeText(view)))}*`, facts(view)),
    section(phaseList(view)),
    ...failureBlocks(view),
    footer(view),
  ]);
}

/** One event's own message: a webhook post, or a reply in the live message's thread. */
export function momentMessage(event: LaunchEvent, view: LaunchView, mention?: string): SlackMessage {
  const title = momentTitle(event, view);
  const blocks: Block[] = event.type === 'launch.started' ? [header(title), section('', facts(view))] : [section(escapeMrkdwn(title))];
  if (event.type === 'phase.failed' || event.type === 'rollback.started' || event.type === 'launch.finished')
    blocks.push(...failureBlocks(view));
  if (mention) blocks.push(section(`🔔 ${mention}`));
  blocks.push(footer(view));
  return slackMessage(`${mention ? `${mention} ` : ''}${escapeMrkdwn(title)}`, blocks);
}

function momentTitle(event: LaunchEvent, view: LaunchView): string {
  switch (event.type) {
    case 'launch.started':
      return `${outcomeIcon(view)} ${view.facts.mode === 'rollback' ? 'Rolling back' : 'Launching'} ${headline(view)}`;
    case 'phase.verified':
      return `✅ Phase ${phaseName(view, event.phase)} verified in ${formatDuration(event.durationMs)}`;
    case 'phase.failed':
      return `❌ Phase ${phaseName(view, event.phase)} failed after ${formatDuration(event.durationMs)}: ${event.reason}`;
    case 'check.result':
      return `⚠️ ${breachText(event)}`;
    case 'rollback.started':
      return `↩️ Rolling back ${event.phases.length} phase(s), ${pathOf(event.phases)}: ${event.reason}`;
    case 'rollback.phase':
      return rollbackStepTitle(event, view);
    case 'rollback.finished':
      if (event.ok) return '↩️ Rollback finished: every phase undone';
      return `🚨 Rollback FAILED for ${event.failed.join(', ')}: undo by hand`;
    case 'launch.finished':
      return `${outcomeIcon(view)} ${headline(view)}: ${outcomeText(view)}`;
    default:
      return event.type;
  }
}

function rollbackStepTitle(event: EventOf<'rollback.phase'>, view: LaunchView): string {
  const name = phaseName(view, event.phase);
  if (event.notStarted) return `⏭️ ${name} did not start: nothing to undo`;
  if (event.skipped) return `⏭️ ${name} has no rollback command: nothing to undo`;
  if (event.ok) return `↩️ ${name} rolled back in ${formatDuration(event.durationMs)}`;
  return `🚨 ${name} rollback FAILED: ${event.error ?? 'unknown error'}`;
}

function facts(view: LaunchView): string[] {
  const { environment, version, previousVersion, actor, mode } = view.facts;
  const fields = [`*Environment*\n${escapeMrkdwn(environment)}`];
  if (version) fields.push(`*Version*\n${mrkdwnCode(version)}`);
  if (previousVersion) fields.push(`*${mode === 'rollback' ? 'Back to' : 'Previous'}*\n${mrkdwnCode(previousVersion)}`);
  if (actor) fields.push(`*Started by*\n${escapeMrkdwn(actor)}`);
  if (view.phases.size) fields.push(`*Phases*\n${phaseCounts(view)}`);
  return fields;
}

/**
 * Every phase on its line while they fit in a section; past that, the phases worth a look (running,
 * failed, rolled back...) ahead of the verified and pending ones, which the Phases field counts.
 */
function phaseList(view: LaunchView): string {
  const all = [...view.phases.values()].map(phaseLine);
  if (all.join('\n').length <= SLACK_LIMITS.sectionText) return all.join('\n');
  return fitLines(view.phasesByInterest().map(phaseLine), SLACK_LIMITS.sectionText, (hidden) => `…and ${hidden} more`);
}

function phaseLine(phase: PhaseView): string {
  const took = phase.durationMs === undefined ? '' : ` · ${formatDuration(phase.durationMs)}`;
  const why = phase.rollback?.error ?? phase.reason;
  const because = why ? ` · ${escapeMrkdwn(why)}` : '';
  return `${phaseIcon(phase.state)} *${escapeMrkdwn(phase.name)}* ${phaseLabel(phase.state)}${took}${because}`;
}

/** Why it failed: the reason, then the failing checks with their measured values and thresholds. */
function failureBlocks(view: LaunchView): Block[] {
  const breaches = view.failureBreaches();
  if (!breaches.length && !view.rollback) return [];
  const lines = breaches.map((breach) => `• ${escapeMrkdwn(breachText(breach))}`);
  const text = fitLines(lines, SLACK_LIMITS.sectionText - 20, (hidden) => `…and ${hidden} more failing checks`);
  const blocks = breaches.length ? [section(`*Failing checks*\n${text}`)] : [];
  if (view.rollback) blocks.push(section(`*Rollback* (${escapeMrkdwn(view.rollback.reason)}): ${rollbackState(view)}`));
  return blocks;
}

function rollbackState(view: LaunchView): string {
  const rollback = view.rollback!;
  if (rollback.ok === undefined) return `${statusLabel('rolling_back')}, ${rollback.phases.length} phase(s)`;
  return rollback.ok ? 'done' : `FAILED for ${rollback.failed.map(escapeMrkdwn).join(', ')}`;
}

function footer(view: LaunchView): Block {
  const { runUrl, environmentUrl } = view.facts;
  const parts = [
    runUrl ? link(runUrl, 'Workflow run') : undefined,
    environmentUrl ? link(environmentUrl, 'Environment') : undefined,
    view.launchId ? `launch \`${view.launchId}\`` : undefined,
  ];
  return context(parts.filter((part): part is string => part !== undefined).concat(escapeMrkdwn(headline(view))));
}

/** "canary-2 → canary-1 → migrate", shortened for long launches. */
function pathOf(phases: readonly string[]): string {
  return phases.length <= 8 ? phases.join(' → ') : `${phases.slice(0, 7).join(' → ')} → … → ${phases.at(-1)}`;
}

function phaseName(view: LaunchView, id: string): string {
  return view.phases.get(id)?.name ?? id;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Pings the failure group once per launch, in the first failure or rollback message that goes out. */
export function mentionOnce(mention: string | undefined): (moment: Moment) => string | undefined {
  let pending = mention;
  return ({ moment, step }) => {
    if (step || (moment !== 'failure' && moment !== 'rollback')) return undefined;
    const taken = pending;
    pending = undefined;
    return taken;
  };
}
