import { z } from 'zod';
import { isDeepStrictEqual } from 'node:util';
import { defineCheck, type CheckOutcome, type PlanContext } from './check';
import { expandHttpUrl } from './url-field';
import { resolvedCheck } from './resolved-check';
import { positiveDurationSchema } from '../util/duration';
import { expandDeep } from '../util/template';
import { redactUrl } from '../http/timed-fetch';
import { OfrepClient, type FlagEvaluation } from '../flags/ofrep-client';

const DEFAULT_URL = '${OFREP_URL}';
const DEFAULT_TARGETING_KEY = 'launch-action';

const contextSchema = z.lazy(() =>
  z.record(z.string(), z.unknown()).meta({ description: 'OpenFeature evaluation context; ${VAR} allowed in strings' }),
);

const flagSchema = z.lazy(() =>
  z.union([
    z.string().min(1).meta({ description: 'Flag key; the flag must evaluate to true' }),
    z
      .object({
        key: z.string().min(1),
        expected: z.unknown().optional().meta({ description: 'Value the flag must evaluate to; omit to require only a clean evaluation' }),
        context: contextSchema.optional().meta({ description: "Merged over the check's context for this flag" }),
      })
      .strict(),
  ]),
);

const config = z.lazy(() =>
  z
    .object({
      provider: z
        .enum(['openfeature', 'ofrep'])
        .default('openfeature')
        .meta({ description: 'OpenFeature over OFREP (flagd, GO Feature Flag, Flipt, ConfigCat Proxy...)' }),
      url: z.string().min(1).default(DEFAULT_URL).meta({ description: 'OFREP base URL (the part before /ofrep/v1); ${VAR} allowed' }),
      flags: z.array(flagSchema).min(1),
      context: contextSchema.default({}),
      headers: z.record(z.string(), z.string()).default({}).meta({ description: 'Request headers such as Authorization; ${VAR} allowed' }),
      timeout: positiveDurationSchema.default(5000).meta({ description: 'Limit for each evaluation request' }),
    })
    .strict(),
);
type FeatureFlagConfig = z.output<typeof config>;

/** A flag to evaluate, with what it must evaluate to (`expect: false` when any clean result will do). */
interface FlagCheck {
  key: string;
  context: Record<string, unknown>;
  expect: { value: unknown } | false;
}

interface Target {
  url: string;
  headers: Record<string, string>;
  flags: FlagCheck[];
}

function resolveTarget(c: FeatureFlagConfig, ctx: PlanContext): Target {
  // The web metrics' URL rules: a value such as `../../admin` cannot reach another path.
  const url = expandHttpUrl('url', c.url, DEFAULT_URL, ctx.env);
  const headers = expandDeep(c.headers, ctx.env);
  const base = { targetingKey: DEFAULT_TARGETING_KEY, ...expandDeep(c.context, ctx.env) };
  const flags = c.flags.map((flag): FlagCheck => {
    if (typeof flag === 'string') return { key: flag, context: base, expect: { value: true } };
    return {
      key: flag.key,
      context: { ...base, ...expandDeep(flag.context ?? {}, ctx.env) },
      expect: 'expected' in flag ? { value: flag.expected } : false,
    };
  });
  return { url, headers, flags };
}

/** One flag's line in the outcome, e.g. `new_checkout = true (TARGETING_MATCH) ✓`. */
function judge(flag: FlagCheck, result: FlagEvaluation): { passed: boolean; line: string } {
  const wanted = flag.expect ? `, expected ${JSON.stringify(flag.expect.value)}` : '';
  if (!result.ok) {
    const status = result.status ? ` (${result.status})` : '';
    const details = result.errorDetails ? `: ${result.errorDetails}` : '';
    return { passed: false, line: `${flag.key}: ${result.errorCode}${status}${details} ✗` };
  }
  if (!result.hasValue) {
    // No value means "use the code default", which only the application knows: it can match nothing.
    const passed = !flag.expect;
    return { passed, line: `${flag.key}: no value, code default applies (${result.reason})${wanted} ${passed ? '✓' : '✗'}` };
  }
  const passed = !flag.expect || isDeepStrictEqual(result.value, flag.expect.value);
  return {
    passed,
    line: `${flag.key} = ${JSON.stringify(result.value)} (${result.reason})${passed ? '' : wanted} ${passed ? '✓' : '✗'}`,
  };
}

async function evaluateAll(target: Target, c: FeatureFlagConfig, signal: AbortSignal): Promise<CheckOutcome> {
  const client = new OfrepClient({ baseUrl: target.url, headers: target.headers, timeoutMs: c.timeout, signal });
  const lines: string[] = [];
  let passing = 0;
  // One at a time: gentler on rate limits, and the message keeps the spec's order.
  for (const flag of target.flags) {
    const verdict = judge(flag, await client.evaluate(flag.key, flag.context));
    if (verdict.passed) passing++;
    lines.push(verdict.line);
  }
  const total = target.flags.length;
  return {
    passed: passing === total,
    value: passing,
    threshold: `${total} of ${total} flags`,
    message: `OFREP ${redactUrl(target.url)}: ${lines.join('; ')}`,
  };
}

function describePlan(target: Target): string {
  const flags = target.flags.map((flag) => `${flag.key}${flag.expect ? ` = ${JSON.stringify(flag.expect.value)}` : ' evaluates'}`);
  return `OFREP ${redactUrl(target.url)}: ${flags.join(', ')} (targetingKey ${String(target.flags[0]?.context.targetingKey)})`;
}

/** Evaluates feature flags over OFREP and checks each one's value. */
export const featureFlagEvaluationCheck = defineCheck({
  type: 'feature_flag_evaluation',
  description: 'Evaluates feature flags over OpenFeature OFREP; each must evaluate to its expected value (true by default)',
  config,
  ...resolvedCheck({
    resolve: resolveTarget,
    summary: describePlan,
    unresolvedSummary: (c) => `OFREP ${c.url}: ${c.flags.length} flag(s)`,
    run: (target, c, ctx) => evaluateAll(target, c, ctx.signal),
  }),
});
