import { z } from 'zod';
import { setTimeout as delay } from 'node:timers/promises';
import { defineCheck, type CheckContext, type CheckOutcome, type PlanContext } from './check';
import { resolvedCheck } from './resolved-check';
import { expandField } from './template-field';
import { durationSchema, formatDuration, positiveDurationSchema } from '../util/duration';
import { RequestFailure } from '../http/request-failure';
import { redactUrl } from '../http/timed-fetch';
import { plainRequest } from '../http/plain-request';
import { appendPath, baseUrlTemplate, BASE_URL_VARIABLE, isAbsoluteUrl } from '../http/base-url';
import { expandUrl } from '../metrics/measuring/query-template';
import { requireHttpUrl } from './url-field';

const statusCode = z.lazy(() => z.number().int().min(100).max(599));

const regexSource = z.lazy(() =>
  z.string().refine(
    (source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    },
    { error: 'expected a valid regular expression' },
  ),
);

const config = z.lazy(() =>
  z
    .object({
      endpoint: z
        .string()
        .min(1)
        .meta({ description: 'Absolute URL, or a path like /health resolved against launch.base_url; ${VAR} allowed' }),
      method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
      expected: z
        .union([statusCode, z.array(statusCode).min(1)])
        .default(200)
        .meta({ description: 'Status code, or a list of acceptable ones' }),
      retries: z.number().int().min(1).default(3).meta({ description: 'Attempts before the check fails' }),
      interval: durationSchema.default(2000).meta({ description: 'Wait between attempts' }),
      timeout: positiveDurationSchema.default(5000).meta({ description: 'Limit for each request, body included' }),
      max_latency: positiveDurationSchema.optional().meta({ description: 'A slower response counts as a failed attempt' }),
      body_contains: z.string().optional().meta({ description: 'Text the response body must contain' }),
      body_matches: regexSource.optional().meta({ description: 'Regular expression the response body must match' }),
      headers: z.record(z.string(), z.string()).default({}).meta({ description: 'Request headers; ${VAR} allowed' }),
    })
    .strict(),
);
type HttpStatusConfig = z.output<typeof config>;

interface Target {
  url: URL;
  headers: Record<string, string>;
}

interface Reply {
  status: number;
  body: string;
  ms: number;
}

/** The endpoint and base URL follow the web metrics' URL rules: no value adds a path segment (`../../admin`). */
function resolveTarget(c: HttpStatusConfig, ctx: PlanContext): Target {
  const endpoint = expandField('endpoint', c.endpoint, undefined, ctx.env, expandUrl);
  let text = endpoint;
  if (!isAbsoluteUrl(endpoint)) {
    // Left at its default, the template gets the message that says how to supply BASE_URL.
    const base = expandField('launch.base_url', baseUrlTemplate(ctx.launch), BASE_URL_VARIABLE, ctx.env, expandUrl);
    text = appendPath(base, endpoint);
  }
  const url = requireHttpUrl('endpoint', c.endpoint, text);
  const headers = Object.fromEntries(
    Object.entries(c.headers).map(([name, value]) => [name, expandField(`headers.${name}`, value, undefined, ctx.env)]),
  );
  return { url, headers };
}

function describeExpected(c: HttpStatusConfig): string {
  return [c.expected].flat().join(' or ');
}

/** What is wrong with a reply, or undefined when it passes every condition. */
function judge(reply: Reply, c: HttpStatusConfig): string | undefined {
  if (![c.expected].flat().includes(reply.status)) return `→ ${reply.status}, expected ${describeExpected(c)}`;
  if (c.max_latency !== undefined && reply.ms > c.max_latency) {
    return `→ ${reply.status} in ${formatDuration(reply.ms)}, above max_latency ${formatDuration(c.max_latency)}`;
  }
  if (c.body_contains !== undefined && !reply.body.includes(c.body_contains)) {
    return `→ ${reply.status}, body does not contain ${JSON.stringify(c.body_contains)}`;
  }
  if (c.body_matches !== undefined && !new RegExp(c.body_matches).test(reply.body)) {
    return `→ ${reply.status}, body does not match /${c.body_matches}/`;
  }
  return undefined;
}

async function send(target: Target, c: HttpStatusConfig, signal: AbortSignal): Promise<Reply> {
  const started = performance.now();
  // Not fetch: it keeps a pool per origin for good, and a rolling launch checks a new origin per instance.
  // No redirect is followed: a 302 to a login page must not pass as the 200 behind it.
  const readBody = c.body_contains !== undefined || c.body_matches !== undefined;
  const reply = await plainRequest(target.url, { method: c.method, headers: target.headers, timeoutMs: c.timeout, signal, readBody });
  return { ...reply, ms: performance.now() - started };
}

async function probe(target: Target, c: HttpStatusConfig, ctx: CheckContext): Promise<CheckOutcome> {
  const request = `${c.method} ${redactUrl(target.url)}`;
  const threshold = describeExpected(c);
  const failures: string[] = [];
  let status: number | undefined;
  for (let attempt = 1; attempt <= c.retries; attempt++) {
    const cancelled = {
      passed: false,
      value: status,
      threshold,
      message: `${request} cancelled during attempt ${attempt} of ${c.retries}`,
    };
    if (attempt > 1) {
      try {
        await delay(c.interval, undefined, { signal: ctx.signal });
      } catch {
        return cancelled;
      }
    }
    let problem: string | undefined;
    try {
      const reply = await send(target, c, ctx.signal);
      status = reply.status;
      problem = judge(reply, c);
      if (!problem) {
        const tries = attempt > 1 ? ` (attempt ${attempt} of ${c.retries})` : '';
        return { passed: true, value: status, threshold, message: `${request} → ${status} in ${formatDuration(reply.ms)}${tries}` };
      }
    } catch (error) {
      if (!(error instanceof RequestFailure)) throw error;
      if (error.kind === 'cancelled') return cancelled;
      problem = error.kind === 'unreachable' ? `failed: ${error.message}` : error.message;
    }
    failures.push(problem);
    const launchCount = ctx.healthFailures.record();
    ctx.log(`attempt ${attempt} of ${c.retries}: ${request} ${problem}${launchCount.text && ` (${launchCount.text})`}`);
    if (launchCount.breached)
      return { passed: false, value: status, threshold, message: `${request} ${problem}: ${launchCount.text}`, thresholdBreach: true };
  }
  const last = failures.at(-1)!;
  const others = [...new Set(failures.slice(0, -1))].filter((problem) => problem !== last);
  const earlier = others.length ? `; earlier: ${others.join('; ')}` : '';
  return {
    passed: false,
    value: status,
    threshold,
    message: `${request} ${last} (${c.retries} of ${c.retries} attempts failed${earlier})`,
  };
}

function describePlan(target: Target, c: HttpStatusConfig): string {
  const conditions = [
    `expects ${describeExpected(c)}`,
    c.max_latency !== undefined && `within ${formatDuration(c.max_latency)}`,
    c.body_contains !== undefined && `body containing ${JSON.stringify(c.body_contains)}`,
    c.body_matches !== undefined && `body matching /${c.body_matches}/`,
  ].filter(Boolean);
  const attempts = c.retries > 1 ? `${c.retries} attempts ${formatDuration(c.interval)} apart` : '1 attempt';
  return `${c.method} ${redactUrl(target.url)} ${conditions.join(', ')} (${attempts}, ${formatDuration(c.timeout)} timeout each)`;
}

/** Requests an HTTP endpoint until it answers as expected or the attempts run out. */
export const httpStatusCheck = defineCheck({
  type: 'http_status',
  description: 'Requests an HTTP endpoint (retrying) and checks its status, latency and body',
  config,
  ...resolvedCheck({
    resolve: resolveTarget,
    summary: describePlan,
    unresolvedSummary: (c) => `${c.method} ${c.endpoint}`,
    run: probe,
  }),
});
