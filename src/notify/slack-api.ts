import { parseJson } from '../http/json';
import { sendJson, type HttpOptions } from '../http/json-client';
import { TokenBucket, type Pace } from './pacing';
import type { SlackMessage } from './slack-blocks';

export const SLACK_API_URL = 'https://slack.com/api';

/**
 * Slack posts about one message a second to a channel, with short bursts allowed (chat.postMessage
 * and incoming webhooks alike): keeping to that, a 429 and its Retry-After wait are the exception.
 */
export function slackChannelPace(): Pace {
  return new TokenBucket(1000, 3);
}

/** Errors that say the token or channel is wrong: no later message can succeed either. */
const FATAL = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'team_access_not_granted',
  // Webhook answers, as plain text.
  'invalid_token',
  'action_prohibited',
  'channel_is_archived',
  'no_service',
  'no_team',
  'team_disabled',
]);

/** A Slack answer other than success: Web API `{"ok":false,"error":...}`, or a webhook's text body. */
export class SlackError extends Error {
  constructor(
    readonly operation: string,
    readonly code: string,
  ) {
    super(`Slack ${operation} failed: ${code}`);
  }

  get fatal(): boolean {
    return FATAL.has(this.code);
  }
}

export interface PostedMessage {
  /** The channel's ID, which chat.update needs even when the message was posted by name. */
  channel: string;
  ts: string;
}

/** chat.postMessage and chat.update with a bot token. Slack reports errors as HTTP 200 `ok:false`. */
export class SlackWebApi {
  constructor(
    private readonly token: string,
    private readonly baseUrl: string,
    private readonly http: HttpOptions,
  ) {}

  post(channel: string, message: SlackMessage, thread?: { ts: string; broadcast: boolean }): Promise<PostedMessage> {
    const threading = thread ? { thread_ts: thread.ts, reply_broadcast: thread.broadcast } : {};
    return this.call('chat.postMessage', { channel, ...message, ...threading, unfurl_links: false });
  }

  update(posted: PostedMessage, message: SlackMessage): Promise<PostedMessage> {
    return this.call('chat.update', { ...posted, ...message });
  }

  private async call(method: string, body: Record<string, unknown>): Promise<PostedMessage> {
    const reply = await sendJson(
      `${this.baseUrl}/${method}`,
      { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, body },
      this.http,
    );
    const parsed = parseJson(reply.text) as { ok?: boolean; error?: string; channel?: string; ts?: string } | undefined;
    if (parsed?.ok && parsed.channel && parsed.ts) return { channel: parsed.channel, ts: parsed.ts };
    throw new SlackError(method, parsed?.error ?? `HTTP ${reply.status}`);
  }
}
