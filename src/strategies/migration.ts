import { z } from 'zod';
import type { Phase } from '../spec/schema';
import { commandCheck } from '../checks/command';
import { durationSchema, formatDuration } from '../spec/duration';
import { timeoutFields, timeoutsOf } from './fields';
import { timedPause } from './pause';
import { findStrategy, trafficStrategies, trafficStrategySchema, type TrafficStrategySpec } from './traffic';
import { defineStrategy, type ExpansionContext, type Placement, type Strategy } from './strategy';

export const expandContractSchema = z
  .object({
    type: z.literal('expand_contract'),
    expand: z.string().min(1).optional().meta({ description: 'Backward-compatible schema change, before the new version is launched' }),
    expand_rollback: z.string().min(1).optional().meta({ description: 'Undoes expand' }),
    deploy: trafficStrategySchema.optional().meta({ description: 'How the new version is launched between expand and contract (or the explicit phases)' }),
    contract: z.string().min(1).optional().meta({ description: 'Removes what only the old version needed; refused until the new version was fully launched and held' }),
    hold: durationSchema.default(0).meta({ description: 'How long the new version must have been fully launched before contract runs' }),
    marker: z
      .object({
        write: z.string().min(1).optional().meta({ description: 'Stores LAUNCH_MARKER ("<version> <unix seconds>") once the launch is complete' }),
        read: z.string().min(1).optional().meta({ description: 'Prints the stored marker; the contract gate reads it' }),
      })
      .strict()
      .optional()
      .meta({ description: 'Where "version V was fully launched at time T" is kept between launches: your commands' }),
    ...timeoutFields,
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.expand === undefined && spec.contract === undefined) ctx.addIssue({ code: 'custom', path: ['expand'], message: 'expected expand, contract or both' });
    if (spec.expand_rollback !== undefined && spec.expand === undefined) ctx.addIssue({ code: 'custom', path: ['expand_rollback'], message: 'expand_rollback without expand' });
    if (spec.hold > 0 && spec.contract === undefined) ctx.addIssue({ code: 'custom', path: ['hold'], message: 'hold delays the contract, and there is none' });
  });
export type ExpandContractSpec = z.output<typeof expandContractSchema>;

/** The marker names a version: without one it would prove nothing. */
const REQUIRE_VERSION = '[ -n "$LAUNCH_VERSION" ] || { echo "LAUNCH_VERSION is empty: give the version input" >&2; exit 1; }';

/**
 * The contract gate: the marker must name LAUNCH_VERSION and be at least LAUNCH_HOLD_SECONDS old.
 * A marker it cannot read refuses, never passes.
 */
function holdGateScript(read: string): string {
  return [
    REQUIRE_VERSION,
    'marker=$(',
    read,
    ')',
    'set -- $marker',
    'case "${2:-}" in \'\'|*[!0-9]*) echo "unreadable launch marker \'$marker\' (expected \'<version> <unix seconds>\')" >&2; exit 1;; esac',
    '[ "$1" = "$LAUNCH_VERSION" ] || { echo "the launch marker names $1, not $LAUNCH_VERSION: $LAUNCH_VERSION is not fully launched" >&2; exit 1; }',
    'held=$(( $(date +%s) - $2 ))',
    '[ "$held" -ge "$LAUNCH_HOLD_SECONDS" ] || { echo "$LAUNCH_VERSION fully launched ${held}s ago; contract waits for ${LAUNCH_HOLD_SECONDS}s" >&2; exit 1; }',
    'echo "$LAUNCH_VERSION fully launched ${held}s ago (hold ${LAUNCH_HOLD_SECONDS}s)"',
  ].join('\n');
}

function contractPhases(spec: ExpandContractSpec, contract: string, launchesHere: boolean, ctx: ExpansionContext): Phase[] {
  if (!launchesHere && spec.marker?.read === undefined) {
    throw new Error('expand_contract: this spec launches nothing before its contract, so only marker.read can tell that the version was fully launched and held: set it');
  }
  const env = { LAUNCH_HOLD_SECONDS: String(Math.ceil(spec.hold / 1000)) };
  const phases: Phase[] = [];
  if (launchesHere && spec.hold > 0) {
    // One second more than the hold: the marker's times are whole seconds.
    const wait = (Math.ceil(spec.hold / 1000) + 1) * 1000;
    phases.push(timedPause(ctx, { id: 'migration.hold', name: `Hold the new version for ${formatDuration(spec.hold)} before contract`, env }, wait, []));
  }
  const gate = spec.marker?.read === undefined ? [] : [{ type: 'command', name: 'held', config: commandCheck.config.parse({ command: holdGateScript(spec.marker.read) }) }];
  phases.push(
    ctx.phase({
      id: 'migration.contract',
      name: 'Contract the schema',
      env,
      gates: gate,
      run: contract,
      // A contract cannot be undone, and the old version cannot run on a contracted schema: a failure
      // here stops the launch and leaves the new version running.
      rollbackOnFailure: false,
      ...timeoutsOf(spec),
    }),
  );
  return phases;
}

/**
 * Expand/contract (parallel change): expand the schema, launch the new version (a nested strategy
 * or the explicit phases), record that it is fully launched, and contract only once it has held.
 */
export const expandContractStrategy: Strategy<typeof expandContractSchema> = defineStrategy({
  schema: expandContractSchema,
  async resolve(spec, read) {
    if (!spec.deploy) return spec;
    const nested = findStrategy(trafficStrategies, spec.deploy);
    return nested.resolve ? { ...spec, deploy: (await nested.resolve(spec.deploy, read)) as TrafficStrategySpec } : spec;
  },
  expand(spec, ctx): Placement {
    const deployed = spec.deploy ? findStrategy(trafficStrategies, spec.deploy).expand(spec.deploy, ctx) : { before: [], after: [] };
    const expand = spec.expand
      ? [ctx.phase({ id: 'migration.expand', name: 'Expand the schema', run: spec.expand, rollback: spec.expand_rollback, ...timeoutsOf(spec) })]
      : [];
    // Whether the new version is launched by this very spec, before its contract.
    const launchesHere = deployed.before.length + deployed.after.length + ctx.launch.phases.length > 0;
    const marked = spec.marker?.write
      ? [ctx.phase({ id: 'migration.launched', name: 'Record the launch as complete', run: `${REQUIRE_VERSION}\nexport LAUNCH_MARKER="$LAUNCH_VERSION $(date +%s)"\n${spec.marker.write}`, ...timeoutsOf(spec) })]
      : [];
    const contract = spec.contract === undefined ? [] : contractPhases(spec, spec.contract, launchesHere, ctx);
    return { before: [...expand, ...deployed.before], after: [...deployed.after, ...marked, ...contract] };
  },
});
