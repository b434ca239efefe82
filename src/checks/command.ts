import { z } from 'zod';
import { defineCheck, type CheckContext, type CheckOutcome } from './check';
import { runCommand, describeResult } from '../exec/run-command';
import { positiveDurationSchema } from '../util/duration';

const config = z.lazy(() =>
  z
    .object({
      command: z.string().min(1).meta({ description: 'Bash command; exit status 0 passes' }),
      timeout: positiveDurationSchema.default(60_000),
      prints: z
        .string()
        .min(1)
        .optional()
        .meta({ description: 'Passes only if the last line the command prints (stdout) is this text, besides exit status 0' }),
    })
    .strict(),
);

/** Runs a check command with the launch environment; its exit status is the verdict. */
export async function runCheckCommand(
  command: string,
  timeoutMs: number,
  extraEnv: Record<string, string>,
  ctx: CheckContext,
  prints?: string,
): Promise<CheckOutcome> {
  let printed = '';
  const result = await runCommand({
    command,
    env: { ...ctx.env, ...extraEnv },
    cwd: ctx.cwd,
    timeoutMs,
    signal: ctx.signal,
    onLine: (stream, line) => {
      if (stream === 'stdout' && line.trim()) printed = line.trim();
      ctx.log(line);
    },
  });
  const exited = result.exitCode === 0 && !result.timedOut && !result.cancelled;
  const last = result.tail.filter((line) => line.trim()).at(-1);
  if (exited && prints !== undefined && printed !== prints) {
    return { passed: false, value: 0, message: `\`${command}\` printed '${printed}', expected '${prints}'` };
  }
  return {
    passed: exited,
    value: result.exitCode ?? undefined,
    message: `\`${command}\` ${describeResult(result, timeoutMs)}${!exited && last ? `: ${last}` : ''}`,
  };
}

export const commandCheck = defineCheck({
  type: 'command',
  description: 'Runs a bash command; exit status 0 (and, with prints, that last line) passes',
  config,
  plan: (c) => ({
    summary: `run \`${c.command}\` (timeout ${c.timeout} ms, exit 0${c.prints === undefined ? '' : ` printing '${c.prints}'`} passes)`,
    problems: [],
  }),
  run: (c, ctx) => runCheckCommand(c.command, c.timeout, {}, ctx, c.prints),
});
