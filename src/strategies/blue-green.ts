import { z } from 'zod';
import type { Phase } from '../phases/phase';
import type { CheckSpec } from '../checks/registry';
import { durationSchema, formatDuration } from '../util/duration';
import { commandSourceSchema, type CommandSource } from './command-source';
import { checksSchema, timeoutFields, timeoutsOf } from './fields';
import { inSequence, sleepCommand, withVariable } from './shell';
import { timedPause } from './pause';
import { migrationSchema } from './migration';
import { defineStrategy, type ExpansionContext, type Placement } from './strategy';
import { routerField, routerProblem, shiftPhaseFields } from './traffic';

const colorSchema = z.lazy(() => z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a colour name of letters, digits, "_", "." or "-"'));

export const blueGreenSchema = z.lazy(() =>
  z
    .object({
      type: z.literal('blue_green'),
      colors: z.tuple([colorSchema, colorSchema]).default(['blue', 'green']).meta({ description: 'The two colours' }),
      live_color: z
        .union([colorSchema, commandSourceSchema])
        .meta({ description: 'The colour serving traffic now, or {command} printing it; the other one is deployed' }),
      deploy: z.string().min(1).meta({ description: 'Deploys LAUNCH_VERSION to the idle colour LAUNCH_COLOR' }),
      pre_switch: checksSchema.meta({
        description: 'Checks and analysis of the idle colour before any traffic reaches it (LAUNCH_COLOR is set)',
      }),
      switch: z
        .string()
        .min(1)
        .optional()
        .meta({ description: 'Sends all traffic to LAUNCH_COLOR; run again with the old colour to switch back; or give router' }),
      router: routerField('one backend per colour'),
      read_live_color: commandSourceSchema.optional().meta({
        description:
          'Prints the colour serving traffic: the switch and the switch back are read back with it; live_color.command by default',
      }),
      post_switch: checksSchema.meta({ description: 'Analysis while the new colour takes traffic (watches during the bake)' }),
      bake: durationSchema.default(0).meta({ description: 'How long post_switch analysis runs before the old colour is let go' }),
      scale_down: z
        .string()
        .min(1)
        .optional()
        .meta({ description: 'Removes LAUNCH_COLOR: the old colour after a launch, the new one on rollback' }),
      scale_down_delay: durationSchema
        .default(30_000)
        .meta({ description: 'How long the old colour is kept for a fast switch back; the job waits' }),
      migration: migrationSchema.optional(),
      ...timeoutFields,
    })
    .strict()
    .superRefine((spec, ctx) => {
      const problem = routerProblem(spec.switch, spec.router, 'switch', spec.colors);
      if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
      if (spec.router && spec.read_live_color)
        ctx.addIssue({
          code: 'custom',
          path: ['read_live_color'],
          message: 'a router reads the switch back itself: give read_live_color only with switch',
        });
      if (spec.colors[0] === spec.colors[1]) ctx.addIssue({ code: 'custom', path: ['colors'], message: 'expected two different colours' });
      if (typeof spec.live_color === 'string' && !spec.colors.includes(spec.live_color)) {
        ctx.addIssue({
          code: 'custom',
          path: ['live_color'],
          message: `'${spec.live_color}' is not one of the colours ${spec.colors.join(', ')}`,
        });
      }
    }),
);
type BlueGreenSpec = z.output<typeof blueGreenSchema>;

interface Colors {
  live: string;
  idle: string;
}

/** Stands for the colours in a plan whose live colour a command tells at launch. */
const UNRESOLVED: Colors = { live: '{live}', idle: '{idle}' };

function colorsOf(spec: BlueGreenSpec): Colors {
  if (typeof spec.live_color !== 'string') return UNRESOLVED;
  const [first, second] = spec.colors;
  return { live: spec.live_color, idle: spec.live_color === first ? second : first };
}

/** The command that tells which colour is live, to read a switch back; the live_color command unless one is given. */
function liveColorReader(spec: BlueGreenSpec): CommandSource | undefined {
  return spec.read_live_color ?? (typeof spec.live_color === 'string' ? undefined : spec.live_color);
}

/** A switch read back: the reader must print the colour traffic was sent to. */
function liveColorIs(spec: BlueGreenSpec, color: string): CheckSpec[] {
  const reader = liveColorReader(spec);
  return reader
    ? [{ type: 'command', name: 'live colour', config: { command: reader.command, timeout: reader.timeout, prints: color } }]
    : [];
}

function blueGreenPhases(spec: BlueGreenSpec, { live, idle }: Colors, ctx: ExpansionContext): Phase[] {
  // LAUNCH_COLOR is the colour a command acts on; the other two name both sides for every command.
  const colors = { LAUNCH_PREVIOUS_COLOR: live, LAUNCH_NEW_COLOR: idle };
  const env = { ...colors, LAUNCH_COLOR: idle };
  const timeouts = timeoutsOf(spec);
  // A waiting phase's limit is its wait plus the usual limit for the command that follows it.
  const commandLimit = spec.timeout ?? ctx.defaults.timeoutMs;
  const phases = [
    ctx.phase({
      id: 'blue-green.deploy',
      name: `Deploy to idle colour ${idle}`,
      env,
      run: spec.deploy,
      verify: spec.pre_switch,
      // Undone by removing what was deployed: LAUNCH_COLOR is still the idle colour here.
      rollback: spec.scale_down,
      ...timeouts,
    }),
    ctx.phase({
      id: 'blue-green.switch',
      name: `Switch traffic from ${live} to ${idle}`,
      env,
      // The same command pointed at the old colour, which is still running: the fastest way back.
      ...(spec.router
        ? shiftPhaseFields(spec.router, { stable: live, canary: idle, weight: 100 }, true)
        : {
            run: spec.switch,
            verify: liveColorIs(spec, idle),
            rollback: withVariable('LAUNCH_COLOR', '"$LAUNCH_PREVIOUS_COLOR"', spec.switch!),
            // A switch back that does not take leaves traffic on the new colour: the rollback says so.
            rollbackVerify: liveColorIs(spec, live),
          }),
      ...timeouts,
    }),
  ];
  if (spec.post_switch.length > 0 || spec.bake > 0) {
    const bake = {
      id: 'blue-green.bake',
      name: `Bake ${idle} under traffic${spec.bake > 0 ? ` for ${formatDuration(spec.bake)}` : ''}`,
      env,
    };
    phases.push(spec.bake > 0 ? timedPause(ctx, bake, spec.bake, spec.post_switch) : ctx.phase({ ...bake, watch: spec.post_switch }));
  }
  if (spec.scale_down !== undefined) {
    phases.push(
      ctx.phase({
        id: 'blue-green.scale-down',
        name: `Scale down ${live}${spec.scale_down_delay > 0 ? ` after ${formatDuration(spec.scale_down_delay)}` : ''}`,
        env: { ...colors, LAUNCH_COLOR: live },
        run: inSequence(
          {
            label: `keep ${live} for a fast switch back`,
            command: spec.scale_down_delay > 0 ? sleepCommand(spec.scale_down_delay) : undefined,
          },
          { label: 'scale down', command: spec.scale_down },
        ),
        // Switching back to a colour that is half scaled down would be worse than staying: stop here.
        rollbackOnFailure: false,
        timeoutMs: spec.scale_down_delay + commandLimit,
      }),
    );
  }
  return phases;
}

/**
 * Deploys beside the live colour, checks it with no traffic, switches all traffic at once, and
 * switches straight back if post-switch analysis fails; the old colour is released last.
 */
export const blueGreenStrategy = defineStrategy({
  type: 'blue_green',
  schema: blueGreenSchema,
  async resolve(spec, { read, mode }) {
    if (typeof spec.live_color === 'string') return spec;
    // After the switch the command names the new colour, which would turn the rollback around:
    // switch "back" to the new colour and scale the old one down. Refuse rather than guess.
    if (mode === 'rollback') {
      throw new Error(
        'blue_green: a rollback cannot tell the colour that was live before the launch from live_color.command ' +
          '(after the switch it names the new colour); switch back by hand, or roll back with live_color set to that colour',
      );
    }
    const printed = await read(spec.live_color, 'blue_green live_color');
    if (printed.length !== 1 || !spec.colors.includes(printed[0]!)) {
      throw new Error(
        `blue_green live_color: \`${spec.live_color.command}\` printed '${printed.join(' ')}', expected one of ${spec.colors.join(', ')}`,
      );
    }
    // The command still reads the switches back once the colour it printed is fixed for the launch.
    return { ...spec, live_color: printed[0]!, read_live_color: liveColorReader(spec) };
  },
  expand(spec, ctx): Placement {
    return { before: [], after: blueGreenPhases(spec, colorsOf(spec), ctx) };
  },
});
