import { z } from 'zod';
import type { Phase } from '../phases/phase';
import { durationSchema, formatDuration } from '../util/duration';
import { timeoutFields, type PhaseTimeouts } from './fields';
import { timedPause } from './pause';
import { defineStrategy, type ExpansionContext, type Placement } from './strategy';

/** The expand/contract fields: on any strategy as `migration:`, or alone as `type: expand_contract`. */
const migrationFields = () => ({
  expand: z.string().min(1).optional().meta({ description: 'Backward-compatible schema change, before the new version is launched' }),
  expand_rollback: z.string().min(1).optional().meta({ description: 'Undoes expand' }),
  contract: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Removes what only the old version needed; refused until the new version was fully launched and held' }),
  hold: durationSchema.default(0).meta({ description: 'How long the new version must have been fully launched before contract runs' }),
  marker: z
    .object({
      write: z
        .string()
        .min(1)
        .optional()
        .meta({ description: 'Stores LAUNCH_MARKER ("<version> <unix seconds>") once the launch is complete' }),
      read: z.string().min(1).optional().meta({ description: 'Prints the stored marker; contract waits on it' }),
    })
    .strict()
    .optional()
    .meta({ description: 'Where "version V was fully launched at time T" is kept between launches: your commands' }),
});

function refineMigration(spec: { expand?: string; expand_rollback?: string; contract?: string; hold: number }, ctx: z.RefinementCtx): void {
  if (spec.expand === undefined && spec.contract === undefined)
    ctx.addIssue({ code: 'custom', path: ['expand'], message: 'expected expand, contract or both' });
  if (spec.expand_rollback !== undefined && spec.expand === undefined)
    ctx.addIssue({ code: 'custom', path: ['expand_rollback'], message: 'expand_rollback without expand' });
  if (spec.hold > 0 && spec.contract === undefined)
    ctx.addIssue({ code: 'custom', path: ['hold'], message: 'hold delays the contract, and there is none' });
}

export const migrationSchema = z.lazy(() =>
  z
    .object(migrationFields())
    .strict()
    .superRefine(refineMigration)
    .meta({ description: 'Expand/contract schema migration around this strategy' }),
);
export type MigrationSpec = z.output<typeof migrationSchema>;

export const expandContractSchema = z.lazy(() =>
  z
    .object({ type: z.literal('expand_contract'), ...migrationFields(), ...timeoutFields })
    .strict()
    .superRefine(refineMigration),
);

/** The marker names a version: without one it would prove nothing. */
const REQUIRE_VERSION = '[ -n "$LAUNCH_VERSION" ] || { echo "LAUNCH_VERSION is empty: give the version input" >&2; exit 1; }';

/**
 * Refuses (exits 1, saying why) unless the marker names LAUNCH_VERSION and is at least
 * LAUNCH_HOLD_SECONDS old. A marker it cannot read refuses, never passes. A phase of its own rather
 * than a command gate, so that a refusal reads as its last line, not as this whole script.
 */
function heldScript(read: string): string {
  return [
    REQUIRE_VERSION,
    'marker=$(',
    read,
    ')',
    'set -- $marker',
    "case \"${2:-}\" in ''|*[!0-9]*) echo \"unreadable launch marker '$marker' (expected '<version> <unix seconds>')\" >&2; exit 1;; esac",
    '[ "$1" = "$LAUNCH_VERSION" ] || { echo "the launch marker names $1, not $LAUNCH_VERSION' +
      ': $LAUNCH_VERSION is not fully launched" >&2; exit 1; }',
    'held=$(( $(date +%s) - $2 ))',
    '[ "$held" -ge "$LAUNCH_HOLD_SECONDS" ] || { echo "$LAUNCH_VERSION fully launched ${held}s ago' +
      '; contract waits for ${LAUNCH_HOLD_SECONDS}s" >&2; exit 1; }',
    'echo "$LAUNCH_VERSION fully launched ${held}s ago (hold ${LAUNCH_HOLD_SECONDS}s)"',
  ].join('\n');
}

function contractPhases(
  spec: MigrationSpec,
  contract: string,
  launchesHere: boolean,
  timeouts: PhaseTimeouts,
  ctx: ExpansionContext,
): Phase[] {
  if (!launchesHere && spec.marker?.read === undefined) {
    throw new Error(
      'expand_contract: this spec launches nothing before its contract' +
        ', so only marker.read can tell that the version was fully launched and held: set it',
    );
  }
  const env = { LAUNCH_HOLD_SECONDS: String(Math.ceil(spec.hold / 1000)) };
  // A contract cannot be undone, and the old version cannot run on a contracted schema: from here on
  // a failure (a refusal included) stops the launch and leaves the new version running.
  const final = { env, rollbackOnFailure: false, ...timeouts };
  const phases: Phase[] = [];
  if (launchesHere && spec.hold > 0) {
    // One second more than the hold: the marker's times are whole seconds.
    const wait = (Math.ceil(spec.hold / 1000) + 1) * 1000;
    phases.push(
      timedPause(
        ctx,
        { id: 'migration.hold', name: `Hold the new version for ${formatDuration(spec.hold)} before contract`, env },
        wait,
        [],
      ),
    );
  }
  if (spec.marker?.read !== undefined) {
    phases.push(
      ctx.phase({
        id: 'migration.held',
        name: `Check the version has been fully launched for ${formatDuration(spec.hold)}`,
        run: heldScript(spec.marker.read),
        ...final,
      }),
    );
  }
  phases.push(ctx.phase({ id: 'migration.contract', name: 'Contract the schema', run: contract, ...final }));
  return phases;
}

/**
 * Expand/contract (parallel change) around a strategy's phases (or the explicit ones): expand the
 * schema first, launch the new version, record that it is fully launched, and contract only once
 * it has held.
 */
export function withMigration(migration: MigrationSpec, timeouts: PhaseTimeouts, launched: Placement, ctx: ExpansionContext): Placement {
  const expand = migration.expand
    ? [
        ctx.phase({
          id: 'migration.expand',
          name: 'Expand the schema',
          run: migration.expand,
          rollback: migration.expand_rollback,
          ...timeouts,
        }),
      ]
    : [];
  // Whether the new version is launched by this very spec, before its contract.
  const launchesHere = launched.before.length + launched.after.length + ctx.explicitPhases > 0;
  // Written only where this spec launched the version: a contract-only run must not vouch for it.
  const marked =
    launchesHere && migration.marker?.write
      ? [
          ctx.phase({
            id: 'migration.launched',
            name: 'Record the launch as complete',
            run: `${REQUIRE_VERSION}\nexport LAUNCH_MARKER="$LAUNCH_VERSION $(date +%s)"\n${migration.marker.write}`,
            ...timeouts,
          }),
        ]
      : [];
  const contract = migration.contract === undefined ? [] : contractPhases(migration, migration.contract, launchesHere, timeouts, ctx);
  return { before: [...expand, ...launched.before], after: [...launched.after, ...marked, ...contract] };
}

/** A migration on its own: around the explicit phases, or a later run that only contracts. */
export const expandContractStrategy = defineStrategy({
  type: 'expand_contract',
  schema: expandContractSchema,
  expand: (): Placement => ({ before: [], after: [] }),
});
