import type { ServerResponse } from 'node:http';
import { sendJson, sendText, startServer, type RecordedRequest, type TestServer } from '../support/http-server';

/**
 * A local Slack: the Web API's chat.postMessage and chat.update (errors as HTTP 200 `ok:false`,
 * 429 with Retry-After) and an incoming webhook (200 `ok`, errors as plain text), checking Block Kit
 * limits the way Slack does. Failures can be scripted per target, and rate limits set per target:
 * chat.postMessage is limited per channel, as Slack limits it.
 */

export interface PostedSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
  text?: string;
  blocks?: unknown[];
  /** How many times chat.update changed it. */
  edits: number;
}

export interface ScriptedSlackFailure {
  /** HTTP status; the Web API answers 200 for its own errors. */
  status?: number;
  error: string;
  retryAfterSeconds?: number;
}

export type SlackTarget = 'chat.postMessage' | 'chat.update' | 'webhook';

export interface FakeSlack {
  server: TestServer;
  /** Base URL of the Web API, like https://slack.com/api. */
  apiUrl: string;
  webhookUrl: string;
  /** Web API messages in the order posted, with their latest content. */
  messages: PostedSlackMessage[];
  /** Bodies the webhook accepted. */
  webhookPosts: { text?: string; blocks?: unknown[] }[];
  failNext(target: SlackTarget, ...failures: ScriptedSlackFailure[]): void;
  /** How many requests each target refused with a 429 for its rate limit. */
  rateLimited: Record<SlackTarget, number>;
  close(): Promise<void>;
}

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface FakeRateLimit {
  perSecond: number;
  burst: number;
}

export interface FakeSlackOptions {
  token: string;
  /** Secret part of the webhook URL, like /services/T000/B000/XXXX. */
  webhookPath: string;
  /** Channel names to IDs; chat.postMessage takes either, chat.update only the ID. */
  channels?: Record<string, string>;
  /** Over the limit: HTTP 429 with Retry-After (seconds), `{"ok":false,"error":"ratelimited"}` or a webhook's `rate_limited`. */
  rateLimits?: Partial<Record<SlackTarget, FakeRateLimit>>;
  /** The limiter's clock (ms): the client's own, when a test runs on a virtual one. */
  now?: () => number;
}

const LIMITS = { blocks: 50, header: 150, section: 3000, fields: 10, field: 2000, contextElements: 10, blocksChars: 13_000 };

/** What Slack would say about these blocks: undefined when it would take them. */
export function blockKitProblem(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > LIMITS.blocks) return 'invalid_blocks: more than 50 blocks';
  if (JSON.stringify(blocks).length > LIMITS.blocksChars) return 'msg_blocks_too_long';
  for (const [index, block] of (blocks as Record<string, any>[]).entries()) {
    const where = `invalid_blocks: block ${index} (${String(block.type)})`;
    switch (block.type) {
      case 'header':
        if (block.text?.type !== 'plain_text' || !block.text.text || block.text.text.length > LIMITS.header) return `${where}: header text`;
        break;
      case 'section':
        if (!block.text && !block.fields) return `${where}: needs text or fields`;
        if (block.text && (!block.text.text || block.text.text.length > LIMITS.section)) return `${where}: section text`;
        if (block.fields && (block.fields.length > LIMITS.fields || block.fields.some((f: any) => !f.text || f.text.length > LIMITS.field)))
          return `${where}: fields`;
        break;
      case 'context':
        if (
          !block.elements?.length ||
          block.elements.length > LIMITS.contextElements ||
          block.elements.some((e: any) => !e.text || e.text.length > LIMITS.section)
        ) {
          return `${where}: context elements`;
        }
        break;
      case 'divider':
        break;
      default:
        return `${where}: unknown type`;
    }
  }
  return undefined;
}

/** Milliseconds until `key` may send again under `limit`; 0 means it may, and the request is counted. */
function limiter(limit: FakeRateLimit | undefined, now: () => number): (key: string) => number {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key) => {
    if (!limit) return 0;
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: now() };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now() - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now();
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return ((1 - bucket.tokens) / limit.perSecond) * 1000;
  };
}

export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const channels = options.channels ?? { launches: 'C0LAUNCHES' };
  const ids = new Set(Object.values(channels));
  const messages: PostedSlackMessage[] = [];
  const webhookPosts: FakeSlack['webhookPosts'] = [];
  const scripted = new Map<SlackTarget, ScriptedSlackFailure[]>();
  let clock = 1_700_000_000;
  const now = options.now ?? Date.now;
  const limits = {
    'chat.postMessage': limiter(options.rateLimits?.['chat.postMessage'], now),
    'chat.update': limiter(options.rateLimits?.['chat.update'], now),
    webhook: limiter(options.rateLimits?.webhook, now),
  };
  const rateLimited: Record<SlackTarget, number> = { 'chat.postMessage': 0, 'chat.update': 0, webhook: 0 };
  // Slack rounds its Retry-After up to whole seconds.
  const retryAfter = (waitMs: number): Record<string, string> => ({ 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });

  const scriptedFailure = (target: SlackTarget): ScriptedSlackFailure | undefined => scripted.get(target)?.shift();

  const answerWebApi = (res: ServerResponse, failure: ScriptedSlackFailure): void => {
    const headers: Record<string, string> =
      failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
    const status = failure.status ?? 200;
    if (status >= 500) sendText(res, status, failure.error, headers);
    else sendJson(res, status, { ok: false, error: failure.error }, headers);
  };

  const webApi = (method: string, req: RecordedRequest, res: ServerResponse): void => {
    const auth = req.headers.authorization;
    if (!auth) return sendJson(res, 200, { ok: false, error: 'not_authed' });
    if (auth !== `Bearer ${options.token}`) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    if (method !== 'chat.postMessage' && method !== 'chat.update') return sendJson(res, 200, { ok: false, error: 'unknown_method' });
    const failure = scriptedFailure(method);
    if (failure) return answerWebApi(res, failure);
    let body: Record<string, any>;
    try {
      body = JSON.parse(req.body) as Record<string, any>;
    } catch {
      return sendJson(res, 200, { ok: false, error: 'invalid_json' });
    }
    if (!body.text && !body.blocks) return sendJson(res, 200, { ok: false, error: 'no_text' });
    const blocksProblem = blockKitProblem(body.blocks);
    if (blocksProblem) return sendJson(res, 200, { ok: false, error: blocksProblem.split(':')[0] });

    if (method === 'chat.postMessage') {
      const channel = ids.has(body.channel) ? body.channel : channels[String(body.channel).replace(/^#/, '')];
      if (!channel) return sendJson(res, 200, { ok: false, error: 'channel_not_found' });
      const wait = limits[method](channel);
      if (wait > 0) {
        rateLimited[method]++;
        return sendJson(res, 429, { ok: false, error: 'ratelimited' }, retryAfter(wait));
      }
      if (body.thread_ts && !messages.some((m) => m.channel === channel && m.ts === body.thread_ts && !m.thread_ts)) {
        return sendJson(res, 200, { ok: false, error: 'thread_not_found' });
      }
      const ts = `${++clock}.${String(clock % 1_000_000).padStart(6, '0')}`;
      const posted: PostedSlackMessage = {
        channel,
        ts,
        thread_ts: body.thread_ts,
        reply_broadcast: body.reply_broadcast,
        text: body.text,
        blocks: body.blocks,
        edits: 0,
      };
      messages.push(posted);
      return sendJson(res, 200, {
        ok: true,
        channel,
        ts,
        message: { type: 'message', text: body.text, blocks: body.blocks, ts, thread_ts: body.thread_ts },
      });
    }

    if (!ids.has(body.channel)) return sendJson(res, 200, { ok: false, error: 'channel_not_found' });
    // chat.update is limited per workspace (Tier 3), not per channel.
    const wait = limits['chat.update']('workspace');
    if (wait > 0) {
      rateLimited['chat.update']++;
      return sendJson(res, 429, { ok: false, error: 'ratelimited' }, retryAfter(wait));
    }
    const message = messages.find((m) => m.channel === body.channel && m.ts === body.ts);
    if (!message) return sendJson(res, 200, { ok: false, error: 'message_not_found' });
    // Omitting blocks keeps them; [] removes them.
    Object.assign(message, { text: body.text ?? message.text, blocks: body.blocks ?? message.blocks, edits: message.edits + 1 });
    return sendJson(res, 200, {
      ok: true,
      channel: message.channel,
      ts: message.ts,
      text: message.text,
      message: { text: message.text, blocks: message.blocks },
    });
  };

  const webhook = (req: RecordedRequest, res: ServerResponse): void => {
    const failure = scriptedFailure('webhook');
    if (failure) {
      const headers: Record<string, string> =
        failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
      return sendText(res, failure.status ?? 400, failure.error, headers);
    }
    let body: { text?: string; blocks?: unknown[] };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return sendText(res, 400, 'invalid_payload');
    }
    if (!body.text && !body.blocks) return sendText(res, 400, 'no_text');
    if (blockKitProblem(body.blocks)) return sendText(res, 400, 'invalid_blocks');
    const wait = limits.webhook(options.webhookPath);
    if (wait > 0) {
      rateLimited.webhook++;
      return sendText(res, 429, 'rate_limited', retryAfter(wait));
    }
    webhookPosts.push(body);
    return sendText(res, 200, 'ok');
  };

  const server = await startServer((req, res) => {
    if (req.method !== 'POST') return sendText(res, 405, 'method_not_allowed');
    if (req.path === options.webhookPath) return webhook(req, res);
    if (req.path.startsWith('/services/')) return sendText(res, 403, 'invalid_token');
    if (req.path.startsWith('/api/')) return webApi(req.path.slice('/api/'.length), req, res);
    return sendText(res, 404, 'not found');
  });

  return {
    server,
    apiUrl: `${server.url}/api`,
    webhookUrl: `${server.url}${options.webhookPath}`,
    messages,
    webhookPosts,
    rateLimited,
    failNext: (target, ...failures) => scripted.set(target, [...(scripted.get(target) ?? []), ...failures]),
    close: () => server.close(),
  };
}
