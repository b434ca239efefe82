import { parseJson } from '../http/json';
import { rateLimitResetAt, retryDelayFromHeaders } from '../http/retry-after';
import { sendJson, type HttpOptions, type HttpReply, type RateLimitReader } from '../notify/http-retry';

export interface RepoTarget {
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
}

export class GitHubApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** "HTTP 409: <GitHub's message>" */
    readonly detail: string,
  ) {
    super(`GitHub ${method} ${path}: ${detail}`);
  }
}

export interface GitHubReply<T> {
  status: number;
  data: T;
}

/** REST calls on one repository (`/repos/{owner}/{repo}` + path), with GitHub's rate limits honoured. */
export class GitHubRest {
  constructor(
    private readonly target: RepoTarget,
    private readonly http: HttpOptions,
  ) {}

  async request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<GitHubReply<T>> {
    const { apiUrl, token, owner, repo } = this.target;
    const url = `${apiUrl.replace(/\/+$/, '')}/repos/${owner}/${repo}${path}`;
    const headers = {
      authorization: `Bearer ${token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'launch-action',
    };
    const reply = await sendJson(url, { method, headers, body, readRateLimit: readGitHubRateLimit }, this.http);
    if (reply.status >= 200 && reply.status < 300) return { status: reply.status, data: parseJson(reply.text) as T };
    throw new GitHubApiError(method, path.split('?')[0]!, reply.status, `HTTP ${reply.status}${describeFailure(reply)}`);
  }
}

/**
 * A 403 or 429 is a rate limit when it says so: `retry-after` (secondary limits) or
 * `x-ratelimit-remaining: 0` with `x-ratelimit-reset` in epoch seconds. Any other 403 is a
 * permission problem and is not retried.
 */
export const readGitHubRateLimit: RateLimitReader = (reply, now) =>
  reply.status === 403 || reply.status === 429 ? retryDelayFromHeaders(reply.headers, now, 'epoch-seconds') : undefined;

function describeFailure(reply: HttpReply): string {
  const body = parseJson(reply.text) as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? `: ${body.message}` : '';
  const resetAt = rateLimitResetAt(reply.headers);
  return resetAt === undefined ? message : `${message} (rate limit resets at ${new Date(resetAt).toISOString()})`;
}
