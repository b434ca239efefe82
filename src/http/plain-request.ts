import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { formatDuration } from '../util/duration';
import { RequestFailure } from './request-failure';
import { proxiedRequest, proxyFor } from './proxy';

export interface PlainRequestOptions {
  method: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The caller's signal: aborting it reports `cancelled`, never a timeout. */
  signal?: AbortSignal;
  /** False: the body is not read (the connection is dropped once the status is in). */
  readBody: boolean;
}

export interface PlainReply {
  status: number;
  body: string;
}

/**
 * One request on a connection of its own (node:http without an agent, as curl does), under one
 * deadline that covers the body too. Failures are RequestFailures, as timedFetch gives. Made for
 * checks that call host after host (the instances of a rolling launch): the global fetch keeps a
 * connection pool per origin for the life of the process (about 30 KB each in Node 20), so a
 * thousand instances held some 30 MB. Like fetch with redirect 'manual', no redirect is followed;
 * unlike fetch, no compression is asked for, so none needs undoing. Credentials in the URL are sent
 * as Basic auth (unless the headers carry an authorization).
 */
export async function plainRequest(url: URL, options: PlainRequestOptions): Promise<PlainReply> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const direct = { method: options.method, headers: options.headers, agent: false as const };
  const proxy = proxyFor(url);
  const { target, options: requestOptions } = proxy ? proxiedRequest(url, proxy, direct) : { target: url, options: direct };
  return new Promise((resolve, reject) => {
    // Throws a TypeError for an invalid header, as fetch does: that is no transport failure.
    const req = send(target, requestOptions);
    // Unless told otherwise: some firewalls turn away a request without a user agent, and a named one
    // lets a service tell these checks from users in its logs (as kube-probe or ELB-HealthChecker do).
    for (const [name, value] of [
      ['accept', '*/*'],
      ['user-agent', 'launch-action'],
    ] as const)
      if (!req.hasHeader(name)) req.setHeader(name, value);
    let settled = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, options.timeoutMs);
    const onAbort = (): void => void req.destroy();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (error: unknown): void => {
      if (!settle()) return;
      if (options.signal?.aborted) reject(new RequestFailure('cancelled', 'cancelled'));
      else if (timedOut) reject(new RequestFailure('timeout', `timed out after ${formatDuration(options.timeoutMs)}`, error));
      else reject(new RequestFailure('unreachable', error instanceof Error ? error.message : String(error), error));
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (!options.readBody) {
        res.destroy();
        if (settle()) resolve({ status, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        if (settle()) resolve({ status, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('close', () => fail(new Error('the connection closed before the body ended')));
    });
    if (options.signal?.aborted) onAbort();
    req.end();
  });
}
