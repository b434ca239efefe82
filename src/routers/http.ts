import { z } from 'zod';
import { positiveDurationSchema } from '../util/duration';
import { expandDeep, expandTemplate } from '../util/template';
import { timedFetch, redactUrl } from '../http/timed-fetch';
import { parseJson } from '../http/json';
import { defineRouter, type RouterContext, type Split } from './router';

const requestFields = {
  url: z.string().min(1).meta({ description: '${NAME} templates allowed' }),
  headers: z.record(z.string(), z.string()).default({}).meta({ description: 'Header values take ${NAME} templates' }),
};

const config = z.lazy(() =>
  z
    .object({
      type: z.literal('http'),
      set: z
        .object({
          ...requestFields,
          method: z.enum(['POST', 'PUT', 'PATCH']).default('PUT'),
          body: z.unknown().meta({
            description:
              'JSON body; its strings take ${LAUNCH_WEIGHT}, ${LAUNCH_STABLE_WEIGHT}...' +
              ' and a string that is only "${NAME}" of a number becomes that number',
          }),
        })
        .strict(),
      read: z
        .object({
          ...requestFields,
          weights: z
            .record(z.string().min(1), z.string().regex(/^(\/[^/]*)*$/, 'expected a JSON pointer such as /routes/0/weight'))
            .meta({ description: 'Backend name → JSON pointer to its weight in the answer' }),
        })
        .strict(),
      timeout: positiveDurationSchema.default(10_000),
    })
    .strict(),
);

const WHOLE_PLACEHOLDER = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The body with templates filled in; "${LAUNCH_WEIGHT}" alone becomes the number, as admin APIs want weights as numbers. */
export function templatedBody(body: unknown, scope: Readonly<Record<string, string>>): unknown {
  if (typeof body === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(body);
    const value = whole ? scope[whole[1]!] : undefined;
    if (value !== undefined && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return expandTemplate(body, scope);
  }
  if (Array.isArray(body)) return body.map((item) => templatedBody(item, scope));
  if (body && typeof body === 'object')
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, templatedBody(value, scope)]));
  return body;
}

/** RFC 6901: "/a/0/b", with ~1 for "/" and ~0 for "~". */
function atPointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, token) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined),
      value,
    );
}

async function send(url: string, init: RequestInit, timeoutMs: number, ctx: RouterContext): Promise<string> {
  return timedFetch(url, init, { timeoutMs, signal: ctx.signal }, async (response) => {
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${redactUrl(url)} → ${response.status}: ${text.slice(0, 200)}`);
    return text;
  }).catch((error: Error) => {
    throw new Error(error.message.includes(redactUrl(url)) ? error.message : `${init.method ?? 'GET'} ${redactUrl(url)}: ${error.message}`);
  });
}

/** A JSON admin API (Caddy, Traefik, Envoy-based or in-house balancers): one request sets, one reads. */
export const httpRouter = defineRouter({
  type: 'http',
  description: 'JSON requests to a load balancer admin API',
  config,
  backends: (c) => Object.keys(c.read.weights),
  describe: (c) => `http ${c.set.method} ${c.set.url}, read back with GET ${c.read.url}`,
  async setWeight(c, _shift, ctx) {
    const body = JSON.stringify(templatedBody(c.set.body, ctx.env));
    ctx.log(`${c.set.method} ${c.set.url} ${body}`);
    const headers = { 'content-type': 'application/json', ...expandDeep(c.set.headers, ctx.env) };
    await send(expandTemplate(c.set.url, ctx.env), { method: c.set.method, headers, body }, c.timeout, ctx);
  },
  async readSplit(c, _shift, ctx) {
    const url = expandTemplate(c.read.url, ctx.env);
    const text = await send(url, { method: 'GET', headers: expandDeep(c.read.headers, ctx.env) }, c.timeout, ctx);
    const answer = parseJson(text);
    if (answer === undefined) throw new Error(`GET ${redactUrl(url)} answered something that is not JSON: ${text.slice(0, 200)}`);
    const split: Split = {};
    for (const [name, pointer] of Object.entries(c.read.weights)) {
      const weight = atPointer(answer, pointer);
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
        throw new Error(`GET ${redactUrl(url)}: ${pointer} is ${JSON.stringify(weight) ?? 'missing'}, expected a weight`);
      split[name] = weight;
    }
    return split;
  },
});
