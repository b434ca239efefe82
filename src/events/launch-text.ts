import type { PhaseState } from './states';
import { formatDuration } from '../util/duration';
import type { Breach, LaunchProgress, LaunchView } from './launch-view';

/**
 * The words used for a launch, in plain text: Slack, the PR comment, deployment statuses, Datadog
 * events, the job summary and the log say the same thing, each escaping it for its own markup.
 */

const PROGRESS: Record<LaunchProgress, { icon: string; label: string }> = {
  starting: { icon: '🚀', label: 'starting' },
  running: { icon: '🚀', label: 'in progress' },
  rolling_back: { icon: '↩️', label: 'rolling back' },
  succeeded: { icon: '✅', label: 'succeeded' },
  rolled_back: { icon: '↩️', label: 'rolled back' },
  failed: { icon: '❌', label: 'failed' },
  rollback_failed: { icon: '🚨', label: 'ROLLBACK FAILED' },
  planned: { icon: '📝', label: 'planned' },
};

const PHASE: Record<PhaseState, { icon: string; label: string }> = {
  pending: { icon: '▫️', label: 'pending' },
  validating: { icon: '🔎', label: 'checking gates' },
  executing: { icon: '⚙️', label: 'running' },
  verifying: { icon: '🔎', label: 'verifying' },
  verified: { icon: '✅', label: 'verified' },
  failed: { icon: '❌', label: 'failed' },
  rolling_back: { icon: '↩️', label: 'rolling back' },
  rolled_back: { icon: '↩️', label: 'rolled back' },
  rollback_failed: { icon: '🚨', label: 'rollback failed' },
};

export function statusIcon(progress: LaunchProgress): string {
  return PROGRESS[progress].icon;
}

export function statusLabel(progress: LaunchProgress): string {
  return PROGRESS[progress].label;
}

/**
 * The outcome of a finished launch: a success that tolerated failures is never a plain success,
 * it names how many failed ("succeeded with 2 tolerated failure(s)") under a warning icon.
 */
export function finishedWords(progress: LaunchProgress, toleratedFailures: readonly string[] = []): { icon: string; label: string } {
  if (progress !== 'succeeded' || toleratedFailures.length === 0) return PROGRESS[progress];
  return { icon: '⚠️', label: `succeeded with ${toleratedFailures.length} tolerated failure(s)` };
}

/** The icon for where the launch stands: a success with tolerated failures is not a plain ✅. */
export function outcomeIcon(view: LaunchView): string {
  return finishedWords(view.progress, view.toleratedFailures).icon;
}

export function phaseIcon(state: PhaseState): string {
  return PHASE[state].icon;
}

export function phaseLabel(state: PhaseState): string {
  return PHASE[state].label;
}

/** "checkout 1.4.0 → production", or for a manual rollback "checkout ↩ 1.3.9 in production". */
export function headline(view: LaunchView): string {
  const { service, environment, mode, version, previousVersion } = view.facts;
  if (mode === 'rollback') return `${service} ↩ ${previousVersion ?? 'previous version'} in ${environment}`;
  return `${service}${version ? ` ${version}` : ''} → ${environment}`;
}

/** One line on the launch's outcome or progress, e.g. "rolled back after phase 'canary' failed (4m12s)". */
export function outcomeText(view: LaunchView): string {
  const took = view.durationMs === undefined ? '' : ` (${formatDuration(view.durationMs)})`;
  const where = view.failedPhase ? ` at phase '${view.failedPhase}'` : '';
  const why = view.reason ? `: ${view.reason}` : '';
  if (view.progress === 'succeeded') return `${finishedWords('succeeded', view.toleratedFailures).label}${took}`;
  if (!view.finished) return statusLabel(view.progress);
  return `${statusLabel(view.progress)}${where}${took}${why}`;
}

/** "✅ 180 verified · ⚙️ 1 running · ▫️ 19 pending", in the order states first appear. */
export function phaseCounts(view: LaunchView): string {
  const counts = new Map<PhaseState, number>();
  for (const phase of view.phases.values()) counts.set(phase.state, (counts.get(phase.state) ?? 0) + 1);
  return [...counts].map(([state, count]) => `${phaseIcon(state)} ${count} ${phaseLabel(state)}`).join(' · ');
}

/** "error-rate (watch, phase canary) measured 0.12 against < 0.05: 12% of requests failed". */
export function breachText(breach: Breach): string {
  const measured = breach.value === undefined ? '' : ` measured ${breach.value}${breach.threshold ? ` against ${breach.threshold}` : ''}`;
  return `${breach.check} (${breach.stage}, phase ${breach.phase})${measured}: ${breach.message}`;
}
