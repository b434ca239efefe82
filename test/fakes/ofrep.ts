import type { ServerResponse } from 'node:http';
import { startServer, sendJson, sendText, type RecordedRequest, type TestServer } from '../support/http-server';

/** A flag as the fake's store holds it, loosely after flagd's flag definitions. */
export interface FakeFlag {
  variants: Record<string, unknown>;
  /** Served when no targeting rule matches; without one the answer has no value ("use the code default"). */
  defaultVariant?: string;
  state?: 'ENABLED' | 'DISABLED';
  /** targetingKey → variant. A flag with rules needs a targetingKey in the context. */
  targeting?: Record<string, string>;
  /** Evaluating this flag breaks the server: 500 with these errorDetails. */
  failure?: string;
}

export interface FakeOfrepOptions {
  flags: Record<string, FakeFlag>;
  /** When set, requests need `Authorization: Bearer <token>`: none → 401, another → 403 (no body). */
  token?: string;
}

export interface FakeOfrep extends TestServer {
  /** The next `times` evaluations get 429 with this Retry-After. */
  rateLimit(times: number, retryAfter: string): void;
  /** The evaluation contexts received, in order. */
  contexts(): unknown[];
}

const PATH = /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/;

/** A single-flag OFREP endpoint answering with exactly the statuses and bodies of shared/contracts.md. */
export async function startFakeOfrep(options: FakeOfrepOptions): Promise<FakeOfrep> {
  let limited = 0;
  let retryAfter = '1';
  const server = await startServer((req, res) => {
    const match = PATH.exec(req.path);
    if (!match) return sendText(res, 404, 'page not found');
    if (req.method !== 'POST') return sendText(res, 405, 'method not allowed');
    if (options.token !== undefined) {
      const auth = req.headers.authorization;
      if (!auth) return void res.writeHead(401).end();
      if (auth !== `Bearer ${options.token}`) return void res.writeHead(403).end();
    }
    if (limited > 0) {
      limited--;
      return void res.writeHead(429, { 'retry-after': retryAfter }).end();
    }
    evaluate(decodeURIComponent(match[1]!), req, res, options.flags);
  });
  return {
    ...server,
    rateLimit(times, after) {
      limited = times;
      retryAfter = after;
    },
    contexts: () => server.requests.filter((r) => PATH.test(r.path)).map((r) => (JSON.parse(r.body) as { context?: unknown }).context),
  };
}

function evaluate(key: string, req: RecordedRequest, res: ServerResponse, flags: Record<string, FakeFlag>): void {
  let context: unknown;
  try {
    context = (JSON.parse(req.body) as { context?: unknown }).context ?? {};
  } catch (error) {
    return sendJson(res, 400, { key, errorCode: 'PARSE_ERROR', errorDetails: String(error) });
  }
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    return sendJson(res, 400, { key, errorCode: 'INVALID_CONTEXT', errorDetails: 'context must be an object' });
  }
  const flag = flags[key];
  if (!flag) return sendJson(res, 404, { key, errorCode: 'FLAG_NOT_FOUND' });
  if (flag.failure) return sendJson(res, 500, { errorDetails: flag.failure });
  // A disabled flag has no value in OFREP: the caller's code default applies.
  if (flag.state === 'DISABLED') return sendJson(res, 200, { key, reason: 'DISABLED' });

  const targetingKey = (context as { targetingKey?: unknown }).targetingKey;
  let variant = flag.defaultVariant;
  // Without targeting the answer is STATIC; targeting that matches nobody falls back (the contract has no DEFAULT).
  let reason = flag.targeting ? 'UNKNOWN' : 'STATIC';
  if (flag.targeting) {
    if (typeof targetingKey !== 'string' || !targetingKey) {
      return sendJson(res, 400, { key, errorCode: 'TARGETING_KEY_MISSING', errorDetails: 'targetingKey is required by this flag' });
    }
    const matched = flag.targeting[targetingKey];
    if (matched !== undefined) [variant, reason] = [matched, 'TARGETING_MATCH'];
  }
  if (variant === undefined) return sendJson(res, 200, { key, reason, metadata: {} });
  sendJson(res, 200, { key, reason, variant, metadata: {}, value: flag.variants[variant] });
}
