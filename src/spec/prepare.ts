import type { Launch } from './schema';
import { completePhase, phaseDefaults } from '../phases/phase';
import { readCommandWords } from '../strategies/command-source';
import { expandStrategySpec, resolveStrategySpec } from '../strategies/registry';
import { bindThresholds } from './bind-thresholds';
import { withPresetMetrics } from '../metrics/presets/registry';

/**
 * Preparing a launch, in one place: what turns a validated spec into the phases the engine runs
 * (`prepareLaunch`), and what a launch or rollback resolves first (`resolveStrategyCommands`).
 */

/** Strategy expansion, a preset's metrics, then thresholds. */
export function prepareLaunch(launch: Launch): Launch {
  return bindThresholds(withPresetMetrics(expandStrategy(launch)));
}

/**
 * Returns the launch with its strategy expanded into ordinary phases around the explicit ones, so
 * the plan shows every step and the engine needs no strategy knowledge. A `{command}` source not yet
 * resolved (a plan) expands to phases that say what the command will decide at launch.
 */
export function expandStrategy(launch: Launch): Launch {
  if (!launch.strategy) return launch;
  const defaults = phaseDefaults(launch.defaults);
  const { before, after } = expandStrategySpec(launch.strategy, {
    explicitPhases: launch.phases.length,
    defaults,
    phase: (fields) => completePhase(fields, defaults),
  });
  const explicit = new Set(launch.phases.map((phase) => phase.id));
  const clash = [...before, ...after].find((phase) => explicit.has(phase.id));
  if (clash)
    throw new Error(`phase id '${clash.id}' is used by the spec and by its ${launch.strategy.type} strategy: rename the spec's phase`);
  return { ...launch, phases: [...before, ...launch.phases, ...after] };
}

export interface ResolveOptions {
  mode: 'launch' | 'rollback';
  /** The launch environment: the commands see what every phase command sees. */
  env: Readonly<Record<string, string>>;
  cwd: string;
}

/** Runs the strategy's `{command}` sources (instances, live colour) before a launch or rollback. */
export async function resolveStrategyCommands(launch: Launch, options: ResolveOptions): Promise<Launch> {
  if (!launch.strategy) return launch;
  const strategy = await resolveStrategySpec(launch.strategy, {
    mode: options.mode,
    read: (source, what) => readCommandWords(source, what, { env: options.env, cwd: options.cwd, killGraceMs: launch.kill_grace }),
  });
  return { ...launch, strategy };
}
