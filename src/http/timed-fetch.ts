import { fetch as undiciFetch } from 'undici';
import { formatDuration } from '../util/duration';
import { errorMessage } from '../util/errors';
import { RequestFailure } from './request-failure';
import { proxyDispatcher, proxyFor } from './proxy';

export interface TimedFetchOptions {
  timeoutMs: number;
  /** The caller's signal: aborting it reports `cancelled`, never a timeout. */
  signal?: AbortSignal;
}

/**
 * `fetch` and reading the response under one deadline, so a server that stalls mid-body is caught
 * too. `read` should only read the body (parse afterwards): whatever it throws is taken for a
 * transport failure. Failures become a RequestFailure whose message fits in a check outcome; a
 * request that cannot even be built (an invalid URL or header value) throws its TypeError as is.
 */
export async function timedFetch<T>(
  url: string | URL,
  init: RequestInit,
  options: TimedFetchOptions,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const { target, headers } = moveCredentialsToHeader(url, init.headers);
  try {
    const response = await send(target, { ...init, headers, signal });
    return await read(response);
  } catch (error) {
    if (options.signal?.aborted) throw new RequestFailure('cancelled', 'cancelled');
    if (deadline.aborted) throw new RequestFailure('timeout', `timed out after ${formatDuration(options.timeoutMs)}`, error);
    throw new RequestFailure('unreachable', describeNetworkError(error), error);
  }
}

/**
 * Node's fetch, or behind a proxy undici's own fetch with the proxy's dispatcher: the bundled undici
 * and the one inside Node differ in version (Node 24 ships 7), and a dispatcher of one is not safe
 * to hand to the other's fetch.
 */
async function send(target: URL, init: RequestInit): Promise<Response> {
  const proxy = proxyFor(target);
  if (!proxy) return fetch(target, init);
  const response = await undiciFetch(target, {
    ...(init as Parameters<typeof undiciFetch>[1]),
    dispatcher: proxyDispatcher(target, proxy),
  });
  return response as unknown as Response;
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** The URL as it may appear in messages and plans: without the user and password it may carry. */
export function redactUrl(url: string | URL): string {
  // Text that is no URL carries no credentials to remove; it is shown as written.
  if (!URL.canParse(url)) return String(url);
  const copy = new URL(url);
  if (!copy.username && !copy.password) return String(url);
  copy.username = '';
  copy.password = '';
  return copy.toString();
}

/** fetch refuses URLs with credentials and would echo them in its error: send them as Basic auth. */
function moveCredentialsToHeader(url: string | URL, init: HeadersInit | undefined): { target: URL; headers: Headers } {
  const target = new URL(url);
  const headers = new Headers(init);
  if (target.username || target.password) {
    if (!headers.has('authorization')) {
      headers.set('authorization', basicAuthorization(decodeURIComponent(target.username), decodeURIComponent(target.password)));
    }
    target.username = '';
    target.password = '';
  }
  return { target, headers };
}

/** Undici says only "fetch failed"; the cause holds what happened (ECONNREFUSED, ENOTFOUND...). */
function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message || (cause as NodeJS.ErrnoException).code || errorMessage(error);
  return errorMessage(error);
}
