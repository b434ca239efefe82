import { z } from 'zod';
import { defineCheck, type CheckContext, type CheckOutcome } from './check';
import { runCommand, describeResult } from '../exec/run-command';
import { positiveDurationSchema } from '../spec/duration';

const config = z.lazy(() =>
  z
    .object({
      command: z.string().min(1).meta({ description: 'Bash command; exit status 0 passes' }),
      timeout: positiveDurationSchema.default(60_000),
    })
    .strict(),
);

/** Runs a check command with the launch environment; its exit status is the verdict. */
export async function runCheckCommand(
  command: string,
  timeoutMs: number,
  extraEnv: Record<string, string>,
  ctx: CheckContext,
): Promise<CheckOutcome> {
  const result = await runCommand({
    command,
    env: { ...ctx.env, ...extraEnv },
    cwd: ctx.cwd,
    timeoutMs,
    signal: ctx.signal,
    onLine: (_stream, line) => ctx.log(line),
  });
  const passed = result.exitCode === 0 && !result.timedOut && !result.cancelled;
  const last = result.tail.filter((line) => line.trim()).at(-1);
  return {
    passed,
    value: result.exitCode ?? undefined,
    message: `\`${command}\` ${describeResult(result, timeoutMs)}${!passed && last ? `: ${last}` : ''}`,
  };
}

export const commandCheck = defineCheck({
  type: 'command',
  description: 'Runs a bash command; exit status 0 passes',
  config,
  plan: (c) => ({ summary: `run \`${c.command}\` (timeout ${c.timeout} ms, exit 0 passes)`, problems: [] }),
  run: (c, ctx) => runCheckCommand(c.command, c.timeout, {}, ctx),
});
