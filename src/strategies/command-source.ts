import { z } from 'zod';
import { positiveDurationSchema } from '../util/duration';
import { describeResult, runCommand } from '../exec/run-command';

/** A value the user's own command prints at launch time (the instances of a pool, the live colour). */
export const commandSourceSchema = z.lazy(() =>
  z
    .object({
      command: z.string().min(1).meta({ description: 'Bash command that prints the value(s), separated by whitespace or newlines' }),
      timeout: positiveDurationSchema.default(60_000),
    })
    .strict(),
);
export type CommandSource = z.output<typeof commandSourceSchema>;

export interface CommandEnvironment {
  env: Readonly<Record<string, string>>;
  cwd: string;
  killGraceMs: number;
}

/** Runs the source's command with the launch environment and returns the words it printed on stdout. */
export async function readCommandWords(source: CommandSource, what: string, environment: CommandEnvironment): Promise<string[]> {
  const stdout: string[] = [];
  const result = await runCommand({
    command: source.command,
    env: environment.env,
    cwd: environment.cwd,
    timeoutMs: source.timeout,
    graceMs: environment.killGraceMs,
    onLine: (stream, line) => {
      if (stream === 'stdout') stdout.push(line);
    },
  });
  if (result.exitCode !== 0 || result.timedOut) {
    const last = result.tail.filter((line) => line.trim()).at(-1);
    throw new Error(`${what}: \`${source.command}\` ${describeResult(result, source.timeout)}${last ? `: ${last}` : ''}`);
  }
  const words = stdout.join('\n').split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new Error(`${what}: \`${source.command}\` printed nothing`);
  return words;
}
