import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineRouter, type Shift, type Split } from './router';

const addressSchema = z.string().regex(/^[A-Za-z0-9.:[\]_-]+$/, 'expected host:port (letters, digits, ".", ":", "[", "]", "_", "-")');
const nameSchema = z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a name of letters, digits, "_" or "-"');

const config = z.lazy(() =>
  z
    .object({
      type: z.literal('nginx'),
      file: z.string().min(1).meta({ description: 'The include file launch-action owns and rewrites: it holds the whole upstream block' }),
      upstream: nameSchema.meta({ description: 'Name of the upstream block (proxy_pass http://NAME)' }),
      servers: z.record(nameSchema, addressSchema).meta({ description: 'Backend name → server address: stable and canary, or the two colours' }),
      test: z.string().min(1).default('nginx -t -q').meta({ description: 'Bash command that checks the configuration before a reload' }),
      reload: z.string().min(1).default('nginx -s reload').meta({ description: 'Bash command for a graceful reload' }),
    })
    .strict(),
);
type NginxConfig = z.output<typeof config>;

// Each server line names its backend, so the read-back needs no other record than the file itself.
const SERVER_LINE = /^\s*server\s+(\S+)\s+(?:weight=(\d+)|down)\s*;\s*# backend=(\S+)\s*$/;

/** The upstream block for a split. nginx refuses weight=0, so a backend without traffic is `down`. */
export function upstreamBlock(c: NginxConfig, weights: Split): string {
  const lines = Object.entries(c.servers).map(([name, address]) => {
    const weight = weights[name] ?? 0;
    return `    server ${address} ${weight > 0 ? `weight=${weight}` : 'down'}; # backend=${name}`;
  });
  return `# Managed by launch-action: rewritten on every weight change, edits are lost.\nupstream ${c.upstream} {\n${lines.join('\n')}\n}\n`;
}

export function parseUpstreamBlock(text: string): Split {
  const split: Split = {};
  for (const line of text.split('\n')) {
    const match = SERVER_LINE.exec(line);
    if (match) split[match[3]!] = match[2] === undefined ? 0 : Number(match[2]);
  }
  return split;
}

function weightsOf(shift: Shift): Split {
  return { [shift.stable]: 100 - shift.weight, [shift.canary]: shift.weight };
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A managed upstream block: written atomically, checked with `nginx -t`, then a graceful reload. */
export const nginxRouter = defineRouter({
  type: 'nginx',
  description: 'Weighted upstream in an include file nginx reloads gracefully',
  config,
  backends: (c) => Object.keys(c.servers),
  describe: (c) => `nginx upstream ${c.upstream} in ${c.file} (${Object.entries(c.servers).map(([name, address]) => `${name} ${address}`).join(', ')})`,
  async setWeight(c, shift, ctx) {
    const previous = await readOrUndefined(c.file);
    // A rename never leaves nginx a half-written file, should it reload meanwhile.
    const temporary = `${c.file}.launch-action.tmp`;
    await writeFile(temporary, upstreamBlock(c, weightsOf(shift)));
    await rename(temporary, c.file);
    try {
      await ctx.run(c.test, { LAUNCH_ROUTER_FILE: c.file });
    } catch (error) {
      // Put the last good file back, so the next reload (ours or anyone's) does not pick up a broken one.
      if (previous !== undefined) await writeFile(c.file, previous);
      throw new Error(`the configuration test failed, nothing reloaded: ${(error as Error).message}`);
    }
    await ctx.run(c.reload, { LAUNCH_ROUTER_FILE: c.file });
  },
  async readSplit(c) {
    const text = await readOrUndefined(c.file);
    if (text === undefined) throw new Error(`cannot read ${c.file}`);
    return parseUpstreamBlock(text);
  },
});
