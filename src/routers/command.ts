import { z } from 'zod';
import { defineRouter } from './router';

const config = z.lazy(() =>
  z
    .object({
      type: z.literal('command'),
      set_weight: z
        .string()
        .min(1)
        .meta({ description: 'Bash command giving LAUNCH_WEIGHT percent to LAUNCH_CANARY_BACKEND (the rest to LAUNCH_STABLE_BACKEND)' }),
      read_weight: z.string().min(1).optional().meta({
        description: "Bash command printing the canary backend's live percentage as its last line; without it a shift is not read back",
      }),
    })
    .strict(),
);

/** The user's own commands: the form canary and blue_green always had, with an optional read-back. */
export const commandRouter = defineRouter({
  type: 'command',
  description: 'Runs your commands to set and read the weight',
  config,
  backends: () => undefined,
  describe: (c) => `command \`${c.set_weight}\`${c.read_weight ? `, read back with \`${c.read_weight}\`` : ', no read-back'}`,
  async setWeight(c, _shift, ctx) {
    await ctx.run(c.set_weight, {});
  },
  async readSplit(c, shift, ctx) {
    if (!c.read_weight) return undefined;
    const printed =
      (await ctx.run(c.read_weight, {}))
        .filter((line) => line.trim())
        .at(-1)
        ?.trim() ?? '';
    const weight = Number(printed.replace(/%$/, ''));
    if (printed === '' || !Number.isFinite(weight) || weight < 0 || weight > 100) {
      throw new Error(`\`${c.read_weight}\` printed '${printed}', expected the canary's percentage (0 to 100)`);
    }
    return { [shift.canary]: weight, [shift.stable]: 100 - weight };
  },
});
