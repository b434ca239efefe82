import { getOctokit } from '@actions/github';
import { defaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import { errorMessage } from '../util/errors';
import { rateLimitResetAt } from '../http/retry-after';
import { redactValues, type Redact } from '../util/redactor';
import { GitHubApiError, type GitHubPacing, type RepoTarget } from './client';

const API_VERSION = '2022-11-28';

/**
 * The client every GitHub call goes through. Rate limits are the throttling plugin's: a primary
 * limit waits for its reset, a secondary one for `retry-after` or, without it, the fallback minute;
 * writes are spaced. The retry plugin retries 5xx and unanswered tries. Bodies are redacted on the
 * way out, and what is finally thrown is a GitHubApiError.
 */
export function createOctokit(target: RepoTarget, pacing: GitHubPacing, redact: Redact) {
  const waitOut = (retryAfterSeconds: number, _options: unknown, _octokit: unknown, retryCount: number): boolean =>
    retryCount < pacing.retries && retryAfterSeconds <= pacing.maxWaitSeconds;
  const octokit = getOctokit(
    target.token,
    {
      baseUrl: target.apiUrl.replace(/\/+$/, ''),
      userAgent: 'launch-action',
      request: { fetch: guardedFetch(pacing.timeoutMs, redact) },
      // Rate limits (403, 429) are left to the throttling plugin, which reads their headers;
      // a 409 (merge conflict, failed contexts) stays one.
      retry: {
        retries: pacing.retries,
        retryAfterBaseValue: pacing.msPerSecond,
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
      },
      throttle: {
        onRateLimit: waitOut,
        onSecondaryRateLimit: waitOut,
        fallbackSecondaryRateRetryAfter: pacing.secondaryFallbackSeconds,
        retryAfterBaseValue: pacing.msPerSecond,
        ...writeGroups(pacing.writeSpacingMs),
      },
      // Octokit's own notes (a deprecated endpoint) are for the log, redacted like everything else.
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => console.warn(redact(message)),
        error: (message: string) => console.error(redact(message)),
      },
    },
    retry,
    throttling,
  );
  // Hooks added after the plugins wrap them: these see each request first and its final failure last.
  octokit.hook.before('request', (options) => {
    options.headers.accept = 'application/vnd.github+json';
    options.headers['x-github-api-version'] = API_VERSION;
  });
  octokit.hook.error('request', (error, options) => {
    throw githubError(error, options.method, String(options.url), pacing.retries + 1);
  });
  return octokit;
}

interface WriteGroups {
  write: Bottleneck.Group;
  /** Writes that notify people (a new PR comment): the plugin spaces them three times as far. */
  notifications: Bottleneck.Group;
}

const groups = new Map<number, WriteGroups>();

/** One pair per spacing for the whole process, as the plugin's own are: the deployments' and the PR comment's writes share them. */
function writeGroups(spacingMs: number): WriteGroups {
  let pair = groups.get(spacingMs);
  if (!pair) {
    pair = {
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacingMs }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * spacingMs }),
    };
    groups.set(spacingMs, pair);
  }
  return pair;
}

/**
 * `@actions/github`'s fetch (through the runner's proxy, by @actions/http-client's rules, settled for
 * GITHUB_API_URL when the package loads; in a run that is `target.apiUrl`), each try under its own
 * deadline and with every string of its JSON body redacted before it leaves.
 */
function guardedFetch(timeoutMs: number, redact: Redact): typeof fetch {
  const proxied = defaults.request!.fetch as unknown as typeof fetch;
  return (url, init = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const body = typeof init.body === 'string' ? redactBody(init.body, redact) : init.body;
    return proxied(url, { ...init, body, signal });
  };
}

// Strings are redacted before serialising, so a secret with a quote or backslash cannot slip through escaped.
function redactBody(body: string, redact: Redact): string {
  try {
    return JSON.stringify(redactValues(JSON.parse(body) as unknown, redact));
  } catch {
    return redact(body);
  }
}

interface OctokitFailure {
  status?: number;
  response?: { data?: unknown; headers: Record<string, string | number | undefined> };
}

/** "HTTP 403: <GitHub's message> (rate limit resets at …)", or what kept every try from an answer. */
function githubError(error: unknown, method: string, url: string, tries: number): GitHubApiError {
  const path = url.replace(/^\/repos\/\{owner\}\/\{repo\}/, '');
  const { status, response } = error as OctokitFailure;
  if (!response || status === undefined)
    return new GitHubApiError(method, path, undefined, `no response after ${tries} tries: ${errorMessage(error)}`);
  const data = response.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? `: ${data.message}` : '';
  const headers = new Headers(
    Object.entries(response.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)] as [string, string]])),
  );
  const resetAt = rateLimitResetAt(headers);
  const reset = resetAt === undefined ? '' : ` (rate limit resets at ${new Date(resetAt).toISOString()})`;
  return new GitHubApiError(method, path, status, `HTTP ${status}${message}${reset}`);
}
