import { z } from 'zod';
import { isDeepStrictEqual } from 'node:util';
import { defineCheck, type CheckContext, type CheckOutcome, type PlanContext } from './check';
import { expandHttpUrl } from './url-field';
import { resolvedCheck } from './resolved-check';
import { positiveDurationSchema } from '../util/duration';
import { expandDeep } from '../util/template';
import { redactUrl } from '../http/timed-fetch';
import { OfrepClient, type FlagFailure } from '../flags/ofrep-client';

const DEFAULT_URL = '${OFREP_URL}';

const config = z.lazy(() =>
  z
    .object({
      url: z.string().min(1).default(DEFAULT_URL).meta({ description: 'OFREP base URL (the part before /ofrep/v1); ${VAR} allowed' }),
      flag: z.string().min(1).meta({ description: 'Flag key' }),
      percent: z.number().min(0).max(100).meta({ description: 'Share of targeting keys that should see `value`, in percent' }),
      value: z.unknown().default(true).meta({ description: 'The value an exposed key gets (true for a boolean flag)' }),
      sample: z.number().int().min(1).max(100_000).default(1000).meta({ description: 'How many targeting keys to evaluate' }),
      tolerance: z
        .number()
        .min(0)
        .max(1)
        .default(0.05)
        .meta({ description: 'Allowed distance between the measured and expected share (0.05 = 5 points)' }),
      key_prefix: z
        .string()
        .min(1)
        .default('launch-action-sample')
        .meta({ description: 'Sample keys are <prefix>-0, <prefix>-1...: the same keys every run' }),
      context: z
        .record(z.string(), z.unknown())
        .default({})
        .meta({ description: 'Evaluation context besides targetingKey; ${VAR} allowed in strings' }),
      headers: z.record(z.string(), z.string()).default({}).meta({ description: 'Request headers such as Authorization; ${VAR} allowed' }),
      timeout: positiveDurationSchema.default(5000).meta({ description: 'Limit for each evaluation request' }),
      concurrency: z.number().int().min(1).max(64).default(8).meta({ description: 'Evaluations in flight at once' }),
    })
    .strict(),
);
type FlagExposureConfig = z.output<typeof config>;

interface Target {
  url: string;
  headers: Record<string, string>;
  context: Record<string, unknown>;
}

function resolveTarget(c: FlagExposureConfig, ctx: PlanContext): Target {
  // The web metrics' URL rules: a value such as `../../admin` cannot reach another path.
  const url = expandHttpUrl('url', c.url, DEFAULT_URL, ctx.env);
  return { url, headers: expandDeep(c.headers, ctx.env), context: expandDeep(c.context, ctx.env) };
}

const points = (share: number): string => `${+(share * 100).toFixed(2)}%`;

function describePlan(target: Target, c: FlagExposureConfig): string {
  return (
    `OFREP ${redactUrl(target.url)}: ${c.flag} = ${JSON.stringify(c.value)}` +
    ` for ${c.percent}% ± ${points(c.tolerance)} of ${c.sample} sample keys`
  );
}

/** Evaluates the flag for every sample key, a few at a time; stops at the first failed evaluation. */
async function measure(
  target: Target,
  c: FlagExposureConfig,
  signal: AbortSignal,
): Promise<{ exposed: number } | { failure: FlagFailure; targetingKey: string }> {
  const client = new OfrepClient({ baseUrl: target.url, headers: target.headers, timeoutMs: c.timeout, signal });
  let exposed = 0;
  let next = 0;
  let failed: { failure: FlagFailure; targetingKey: string } | undefined;
  const worker = async (): Promise<void> => {
    while (next < c.sample && !failed) {
      const targetingKey = `${c.key_prefix}-${next++}`;
      const result = await client.evaluate(c.flag, { ...target.context, targetingKey });
      if (!result.ok) failed ??= { failure: result, targetingKey };
      // No value means "the code default applies": only the application knows it, so it is not exposure.
      else if (result.hasValue && isDeepStrictEqual(result.value, c.value)) exposed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(c.concurrency, c.sample) }, worker));
  return failed ?? { exposed };
}

async function judgeExposure(target: Target, c: FlagExposureConfig, ctx: CheckContext): Promise<CheckOutcome> {
  const where = `OFREP ${redactUrl(target.url)}: ${c.flag}`;
  const threshold = `${c.percent}% ± ${points(c.tolerance)}`;
  const measured = await measure(target, c, ctx.signal);
  if ('failure' in measured) {
    const { errorCode, errorDetails, status } = measured.failure;
    return {
      passed: false,
      threshold,
      message:
        `${where} for targetingKey ${measured.targetingKey}: ${errorCode}` +
        `${status ? ` (${status})` : ''}${errorDetails ? `: ${errorDetails}` : ''}`,
    };
  }
  const share = measured.exposed / c.sample;
  // A hair of slack so that 25% of 1000 keys against 25% ± 5 is never lost to floating point.
  const passed = Math.abs(share - c.percent / 100) <= c.tolerance + 1e-9;
  return {
    passed,
    value: +(share * 100).toFixed(2),
    threshold,
    message:
      `${where} = ${JSON.stringify(c.value)} for ${measured.exposed} of ${c.sample} sample keys` +
      ` (${points(share)}), expected ${threshold}`,
  };
}

/** Checks over OFREP that a sample of targeting keys sees a flag at the share it was rolled out to. */
export const flagExposureCheck = defineCheck({
  type: 'flag_exposure',
  description:
    'Evaluates a flag over OFREP for a sample of targeting keys; the share that sees `value` must match `percent` within `tolerance`',
  config,
  ...resolvedCheck({
    resolve: resolveTarget,
    summary: describePlan,
    unresolvedSummary: (c) => `OFREP ${c.url}: ${c.flag} for ${c.percent}% of ${c.sample} sample keys`,
    run: judgeExposure,
  }),
});
