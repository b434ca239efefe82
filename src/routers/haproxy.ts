import { z } from 'zod';
import { positiveDurationSchema } from '../util/duration';
import { runtimeCommands, type RuntimeEndpoint } from './haproxy-runtime';
import { defineRouter, type Split } from './router';

const nameSchema = z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'expected a name of letters, digits, "_", ".", ":" or "-"');

const config = z.lazy(() =>
  z
    .object({
      type: z.literal('haproxy'),
      socket: z.string().min(1).optional().meta({ description: 'Path of the admin socket (stats socket ... level admin)' }),
      address: z
        .string()
        .regex(/^[^\s:]+:\d+$|^\[[0-9A-Fa-f:]+\]:\d+$/, 'expected host:port')
        .optional()
        .meta({ description: 'host:port of a TCP admin socket, instead of socket' }),
      backend: nameSchema.meta({ description: 'The backend whose server weights change' }),
      servers: z
        .record(nameSchema, nameSchema)
        .meta({ description: 'Backend name → HAProxy server name: stable and canary, or the two colours' }),
      timeout: positiveDurationSchema.default(5000).meta({ description: 'Limit for one Runtime API exchange' }),
    })
    .strict()
    .superRefine((c, ctx) => {
      if ((c.socket === undefined) === (c.address === undefined))
        ctx.addIssue({ code: 'custom', path: ['socket'], message: 'give exactly one of socket or address' });
    }),
);
type HaproxyConfig = z.output<typeof config>;

function endpointOf(c: HaproxyConfig): RuntimeEndpoint {
  return c.socket !== undefined ? { socket: c.socket } : { address: c.address! };
}

/** `set server` answers nothing on success; anything else is HAProxy saying why not. */
function refusals(commands: readonly string[], answers: readonly string[]): string[] {
  return commands.flatMap((command, i) => (answers[i] ? [`\`${command}\`: ${answers[i]}`] : []));
}

/** Server weights through the Runtime API: no reload, no dropped connection. */
export const haproxyRouter = defineRouter({
  type: 'haproxy',
  description: 'Server weights through the HAProxy Runtime API',
  config,
  backends: (c) => Object.keys(c.servers),
  describe: (c) =>
    `haproxy backend ${c.backend} via ${c.socket ?? c.address} (${Object.entries(c.servers)
      .map(([name, server]) => `${name} ${server}`)
      .join(', ')})`,
  async setWeight(c, shift, ctx) {
    const weights: Split = { [shift.stable]: 100 - shift.weight, [shift.canary]: shift.weight };
    // Raise before lowering: in between, the backend never has every server at weight 0.
    const order = Object.entries(c.servers).sort(([a], [b]) => (weights[b] ?? 0) - (weights[a] ?? 0));
    const commands = order.map(([name, server]) => `set server ${c.backend}/${server} weight ${weights[name] ?? 0}`);
    for (const command of commands) ctx.log(command);
    const refused = refusals(commands, await runtimeCommands(endpointOf(c), commands, c.timeout, ctx.signal));
    if (refused.length) throw new Error(`HAProxy refused ${refused.join('; ')}`);
  },
  async readSplit(c, _shift, ctx) {
    const names = Object.keys(c.servers);
    const commands = names.map((name) => `get weight ${c.backend}/${c.servers[name]}`);
    const answers = await runtimeCommands(endpointOf(c), commands, c.timeout, ctx.signal);
    const split: Split = {};
    names.forEach((name, i) => {
      // "75 (initial 1)"
      const match = /^(\d+) \(initial \d+\)$/.exec(answers[i] ?? '');
      if (!match) throw new Error(`\`${commands[i]}\` answered '${answers[i] ?? ''}'`);
      split[name] = Number(match[1]);
    });
    return split;
  },
});
