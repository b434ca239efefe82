import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineRouter, type Shift, type Split } from './router';

const addressSchema = z.string().regex(/^[A-Za-z0-9.:[\]_-]+$/, 'expected host:port (letters, digits, ".", ":", "[", "]", "_", "-")');
const nameSchema = z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a name of letters, digits, "_" or "-"');

// Quoted in the managed file: nginx variables and plain characters, never a quote, space or semicolon.
const keySchema = z
  .string()
  .regex(/^(?=.*\$)[A-Za-z0-9_$.{}:-]+$/, 'expected nginx variables such as $request_id or ${remote_addr}${http_user_agent}');

const config = z.lazy(() =>
  z
    .object({
      type: z.literal('nginx'),
      file: z.string().min(1).meta({ description: 'The include file launch-action owns and rewrites: it holds the whole upstream block' }),
      upstream: nameSchema.meta({ description: 'Name of the upstream block (proxy_pass http://NAME)' }),
      servers: z
        .record(nameSchema, addressSchema)
        .meta({ description: 'Backend name → server address: stable and canary, or the two colours' }),
      test: z.string().min(1).default('nginx -t -q').meta({ description: 'Bash command that checks the configuration before a reload' }),
      reload: z.string().min(1).default('nginx -s reload').meta({ description: 'Bash command for a graceful reload' }),
      split_clients: z
        .object({
          key: keySchema.meta({
            description:
              'What each request is hashed on: $request_id (every request anew), $remote_addr or $cookie_user (a client stays on its side)',
          }),
        })
        .strict()
        .optional()
        .meta({
          description:
            'Instead of one weighted upstream: an upstream per backend and a split_clients block setting $UPSTREAM to the chosen one' +
            ' (proxy_pass http://$UPSTREAM)',
        }),
    })
    .strict()
    .superRefine((c, ctx) => {
      // `proxy_pass http://$shop-app` would read the variable $shop: a variable name has no "-".
      if (c.split_clients && c.upstream.includes('-'))
        ctx.addIssue({
          code: 'custom',
          path: ['upstream'],
          message: `with split_clients the upstream names the variable $${c.upstream}: use letters, digits and "_" only`,
        });
    }),
);
type NginxConfig = z.output<typeof config>;

// Each server line names its backend, so the read-back needs no other record than the file itself.
const SERVER_LINE = /^\s*server\s+(\S+)\s+(?:weight=(\d+)|down)\s*;\s*# backend=(\S+)\s*$/;

const MANAGED_HEADER = '# Managed by launch-action: rewritten on every weight change, edits are lost.\n';

/** The upstream block for a split. nginx refuses weight=0, so a backend without traffic is `down`. */
export function upstreamBlock(c: NginxConfig, weights: Split): string {
  const lines = Object.entries(c.servers).map(([name, address]) => {
    const weight = weights[name] ?? 0;
    return `    server ${address} ${weight > 0 ? `weight=${weight}` : 'down'}; # backend=${name}`;
  });
  return `${MANAGED_HEADER}upstream ${c.upstream} {\n${lines.join('\n')}\n}\n`;
}

export function parseUpstreamBlock(text: string): Split {
  const split: Split = {};
  for (const line of text.split('\n')) {
    const match = SERVER_LINE.exec(line);
    if (match) split[match[3]!] = match[2] === undefined ? 0 : Number(match[2]);
  }
  return split;
}

// A split_clients entry, marked like a server line, so the file alone tells the split.
const SPLIT_LINE = /^\s*(?:(\d+(?:\.\d+)?)%|\*)\s+\S+\s*;\s*# backend=(\S+)\s*$/;

/**
 * One upstream per backend and a split_clients block that names one of them in $UPSTREAM. nginx refuses
 * a 0% entry, so a backend without traffic has no entry; the last one with traffic takes the rest (`*`),
 * which keeps the percentages at most 100. The canary comes first: its hash range only grows with its
 * weight, so with a per-client key a client on the canary stays there as the weight rises.
 */
export function splitClientsBlock(c: NginxConfig, key: string, shift: Shift): string {
  const upstreams = Object.entries(c.servers).map(([name, address]) => `upstream ${c.upstream}_${name} {\n    server ${address};\n}\n`);
  const shares = [[shift.canary, shift.weight] as const, [shift.stable, 100 - shift.weight] as const].filter(([, weight]) => weight > 0);
  const entries = shares.map(
    ([name, weight], i) => `    ${i === shares.length - 1 ? '*' : `${weight}%`} ${c.upstream}_${name}; # backend=${name}`,
  );
  return `${MANAGED_HEADER}${upstreams.join('')}split_clients "${key}" $${c.upstream} {\n${entries.join('\n')}\n}\n`;
}

export function parseSplitClientsBlock(text: string): Split {
  const split: Split = {};
  let rest: string | undefined;
  for (const line of text.split('\n')) {
    const match = SPLIT_LINE.exec(line);
    if (!match) continue;
    if (match[1] === undefined) rest = match[2]!;
    else split[match[2]!] = Number(match[1]);
  }
  if (rest !== undefined) split[rest] = 100 - Object.values(split).reduce((sum, share) => sum + share, 0);
  return split;
}

/** The managed file for a shift, in the config's form. */
export function managedFile(c: NginxConfig, shift: Shift): string {
  return c.split_clients ? splitClientsBlock(c, c.split_clients.key, shift) : upstreamBlock(c, weightsOf(shift));
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

/** A managed upstream block (or split_clients block): written atomically, checked with `nginx -t`, then a graceful reload. */
export const nginxRouter = defineRouter({
  type: 'nginx',
  description: 'Weighted upstream or split_clients block in an include file nginx reloads gracefully',
  config,
  backends: (c) => Object.keys(c.servers),
  describe: (c) => {
    const block = c.split_clients ? `split_clients on ${c.split_clients.key} setting $${c.upstream}` : `upstream ${c.upstream}`;
    const servers = Object.entries(c.servers).map(([name, address]) => `${name} ${address}`);
    return `nginx ${block} in ${c.file} (${servers.join(', ')})`;
  },
  async setWeight(c, shift, ctx) {
    const previous = await readOrUndefined(c.file);
    // A rename never leaves nginx a half-written file, should it reload meanwhile.
    const temporary = `${c.file}.launch-action.tmp`;
    await writeFile(temporary, managedFile(c, shift));
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
    return c.split_clients ? parseSplitClientsBlock(text) : parseUpstreamBlock(text);
  },
});
