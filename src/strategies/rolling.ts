import { z } from 'zod';
import type { Phase } from '../phases/phase';
import type { CheckSpec } from '../checks/registry';
import { httpStatusCheck } from '../checks/http-status';
import { durationSchema } from '../util/duration';
import { commandSourceSchema } from './command-source';
import { checksSchema, timeoutFields, timeoutsOf } from './fields';
import { uniqueIds } from './phase';
import { countOrPercentSchema, describeSizes, rollingSizes, tolerationSchema } from './rolling-sizing';
import { inSequence, sleepCommand } from './shell';
import { migrationSchema } from './migration';
import { defineStrategy, type ExpansionContext, type Placement } from './strategy';

const commandField = (description: string) => z.string().min(1).meta({ description });

export const rollingSchema = z.lazy(() =>
  z
    .object({
      type: z.literal('rolling'),
      instances: z
        .union([z.array(z.string().min(1)).min(1), commandSourceSchema])
        .meta({ description: 'The instances (host:port...), or {command} printing them; each is LAUNCH_INSTANCE to the commands' }),
      batch_size: countOrPercentSchema
        .default(1)
        .meta({ description: 'Instances updated side by side: a count or a percentage of the pool' }),
      max_unavailable: countOrPercentSchema
        .optional()
        .meta({ description: 'Instances that may be out of service at once (a batch plus tolerated failures)' }),
      max_failed: tolerationSchema.default(0).meta({
        description:
          'Failed instances tolerated before every updated instance is rolled back: a count (2) or a percentage of the pool ("10%")',
      }),
      batch_pause: durationSchema.default(0).meta({ description: 'Wait between batches' }),
      drain: commandField('Takes LAUNCH_INSTANCE out of the load balancer').optional(),
      update: commandField('Installs LAUNCH_VERSION on LAUNCH_INSTANCE'),
      undrain: commandField('Puts LAUNCH_INSTANCE back into the load balancer once healthy').optional(),
      rollback: commandField('Puts LAUNCH_PREVIOUS_VERSION back on LAUNCH_INSTANCE'),
      health_check: z
        .union([z.string().min(1), httpStatusCheck.config])
        .optional()
        .meta({
          description: 'http_status check of each instance: an endpoint such as http://${LAUNCH_INSTANCE}/health, or the full check',
        }),
      verify: checksSchema.meta({ description: 'More checks of each instance after its update (LAUNCH_INSTANCE is set)' }),
      migration: migrationSchema.optional(),
      ...timeoutFields,
    })
    .strict()
    .superRefine((spec, ctx) => {
      if (spec.health_check === undefined && spec.verify.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['health_check'],
          message: 'a rolling launch needs a health_check (or verify checks): without one a bad build would reach every instance',
        });
      }
      if (spec.undrain !== undefined && spec.drain === undefined) {
        ctx.addIssue({ code: 'custom', path: ['undrain'], message: 'undrain without drain: give drain too, or leave both out' });
      }
      if (!Array.isArray(spec.instances)) return;
      const seen = new Set<string>();
      spec.instances.forEach((instance, index) => {
        if (seen.has(instance))
          ctx.addIssue({ code: 'custom', path: ['instances', index], message: `instance '${instance}' is listed twice` });
        seen.add(instance);
      });
      try {
        rollingSizes(spec.instances.length, spec);
      } catch (error) {
        const message = (error as Error).message;
        ctx.addIssue({ code: 'custom', path: [message.includes('max_unavailable') ? 'max_unavailable' : 'max_failed'], message });
      }
    }),
);
type RollingSpec = z.output<typeof rollingSchema>;

/** Stands for every instance in a plan whose instances a command lists at launch. */
const ANY_INSTANCE = '{instance}';

function healthChecks(spec: RollingSpec): CheckSpec[] {
  if (spec.health_check === undefined) return spec.verify;
  const config = typeof spec.health_check === 'string' ? httpStatusCheck.config.parse({ endpoint: spec.health_check }) : spec.health_check;
  return [{ type: 'http_status', name: 'health', config }, ...spec.verify];
}

interface InstanceSlot {
  id: string;
  instance: string;
  /** Shown in the phase name: "batch 2 of 10", or how the instances are found. */
  where: string;
  batch: number;
}

/**
 * Each instance gets an update phase (drain, update; then its checks; undone by rollback, undrain)
 * and, with `undrain`, a later phase that returns it to service. That second phase is gated on the
 * health check again: an instance whose failure was tolerated stays out of the load balancer.
 */
function instancePhases(spec: RollingSpec, slot: InstanceSlot, budget: number, ctx: ExpansionContext): { update: Phase; ready?: Phase } {
  const checks = healthChecks(spec);
  const env = { LAUNCH_INSTANCE: slot.instance, LAUNCH_BATCH: String(slot.batch) };
  // Both phases check the same instance: a failure of either counts as that instance's, once.
  const failureBudget = (group: string) => (budget > 0 ? { group, maxFailures: budget, subject: slot.id } : undefined);
  const update = ctx.phase({
    id: slot.id,
    name: `Update ${slot.instance} (${slot.where})`,
    env,
    run: inSequence({ label: 'drain', command: spec.drain }, { label: 'update', command: spec.update }),
    verify: checks,
    rollback: inSequence({ label: 'rollback', command: spec.rollback }, { label: 'undrain', command: spec.undrain }),
    batch: `rolling.batch-${slot.batch}`,
    failureBudget: failureBudget('rolling'),
    ...timeoutsOf(spec),
  });
  if (spec.undrain === undefined) return { update };
  const ready = ctx.phase({
    id: `${slot.id}.ready`,
    name: `Return ${slot.instance} to service (${slot.where})`,
    env,
    gates: checks,
    run: spec.undrain,
    rollback: spec.drain,
    batch: `rolling.batch-${slot.batch}.ready`,
    failureBudget: failureBudget('rolling.ready'),
    ...timeoutsOf(spec),
  });
  return { update, ready };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function rollingPhases(spec: RollingSpec, instances: string[], ctx: ExpansionContext): Phase[] {
  const { batchSize, toleratedFailures } = rollingSizes(instances.length, spec);
  const ids = uniqueIds('rolling.', instances);
  const batches = chunk(
    instances.map((instance, i) => ({ instance, id: ids[i]! })),
    batchSize,
  );
  const phases: Phase[] = [];
  batches.forEach((members, index) => {
    const batch = index + 1;
    if (index > 0 && spec.batch_pause > 0) {
      phases.push(
        ctx.phase({
          id: `rolling.pause-${index}`,
          name: `Pause before batch ${batch} of ${batches.length}`,
          run: sleepCommand(spec.batch_pause),
        }),
      );
    }
    const slots = members.map((member) => ({ ...member, where: `batch ${batch} of ${batches.length}`, batch }));
    const pairs = slots.map((slot) => instancePhases(spec, slot, toleratedFailures, ctx));
    phases.push(...pairs.map((pair) => pair.update), ...pairs.flatMap((pair) => (pair.ready ? [pair.ready] : [])));
  });
  return phases;
}

/** Updates a pool of instances a batch at a time; a bad build is stopped in its first batch. */
export const rollingStrategy = defineStrategy({
  type: 'rolling',
  schema: rollingSchema,
  // In a rollback the list is taken again: phase ids come from instance names, so an instance that
  // left the pool since is skipped and one that joined was never started, hence never rolled back.
  async resolve(spec, { read }) {
    if (Array.isArray(spec.instances)) return spec;
    const listed = await read(spec.instances, 'rolling instances');
    const duplicate = listed.find((instance, index) => listed.indexOf(instance, index + 1) > 0);
    if (duplicate) throw new Error(`rolling instances: \`${spec.instances.command}\` printed '${duplicate}' twice`);
    return { ...spec, instances: listed };
  },
  expand(spec, ctx): Placement {
    if (Array.isArray(spec.instances)) return { before: [], after: rollingPhases(spec, spec.instances, ctx) };
    const where = `each instance from \`${spec.instances.command}\` (resolved at launch), batch_size ${spec.batch_size}`;
    const pair = instancePhases(spec, { id: 'rolling.each-instance', instance: ANY_INSTANCE, where, batch: 1 }, 0, ctx);
    return { before: [], after: pair.ready ? [pair.update, pair.ready] : [pair.update] };
  },
  describe(spec) {
    if (Array.isArray(spec.instances)) return describeSizes(spec.instances.length, rollingSizes(spec.instances.length, spec));
    const given = spec.max_unavailable === undefined ? 'a batch plus the tolerated failures' : String(spec.max_unavailable);
    return (
      `instances from \`${spec.instances.command}\`, counted at launch: batch size ${spec.batch_size}` +
      `, tolerated failures ${spec.max_failed}, max unavailable ${given}`
    );
  },
});
