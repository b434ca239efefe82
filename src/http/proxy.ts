import type { Agent, RequestOptions } from 'node:http';
import { HttpClient } from '@actions/http-client';
import { getProxyUrl } from '@actions/http-client/lib/proxy';
import { Pool, type Dispatcher } from 'undici';

/**
 * The runner's proxy settings (`https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`,
 * `no_proxy`/`NO_PROXY`, loopback always direct), read by the toolkit's own rules so that our
 * requests go where actions/checkout's and the runner's go. Node's fetch honours none of them on
 * Node 20 (and on 24 only with NODE_USE_ENV_PROXY=1), node:http never does.
 */
export function proxyFor(url: URL): URL | undefined {
  const proxy = getProxyUrl(url);
  return proxy?.hostname ? proxy : undefined;
}

/** The toolkit's HTTP client, for its proxy agents. */
function toolkitClient(): HttpClient {
  return new HttpClient('launch-action');
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  return { 'proxy-authorization': `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}` };
}

const dispatchers = new Map<string, Dispatcher>();

/**
 * An undici dispatcher through the proxy, one per proxy and scheme, kept for the launch. https goes
 * through a CONNECT tunnel (the toolkit's proxy agent); plain http is sent to the proxy as an
 * absolute-URI request, as curl does, since proxies commonly allow CONNECT to TLS ports only.
 */
export function proxyDispatcher(url: URL, proxy: URL): Dispatcher {
  const key = `${url.protocol}${proxy.href}`;
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    if (url.protocol === 'https:') {
      // A fresh client each time: one HttpClient keeps a single proxy agent, whichever proxy it was made for.
      // The toolkit's undici Dispatcher type, not ours: without the assertion tsc loses the narrowing below.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      dispatcher = toolkitClient().getAgentDispatcher(url.href) as unknown as Dispatcher;
    } else {
      const auth = proxyAuthorization(proxy);
      dispatcher = new Pool(proxy.origin).compose((dispatch) => (options, handler) => {
        const target = new URL(options.path, options.origin);
        const headers = { ...(options.headers as Record<string, string> | undefined), host: target.host, ...auth };
        return dispatch({ ...options, path: target.href, headers }, handler);
      });
    }
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

/**
 * node:http request options through the proxy, each request on a connection of its own: absolute-URI
 * to the proxy for http, the toolkit's CONNECT tunnel agent for https.
 */
export function proxiedRequest(url: URL, proxy: URL, options: RequestOptions): { target: URL; options: RequestOptions } {
  if (url.protocol === 'https:') {
    const agent: Agent = toolkitClient().getAgent(url.href);
    return { target: url, options: { ...options, agent } };
  }
  const headers = { ...(options.headers as Record<string, string>), host: url.host, ...proxyAuthorization(proxy) };
  return { target: new URL(proxy.origin), options: { ...options, headers, path: url.href, agent: false } };
}
