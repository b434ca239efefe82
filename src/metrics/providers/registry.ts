import type { Launch } from '../../spec/schema';
import type { Settings } from '../../settings/inputs';
import { DATADOG_SITES, type ProviderKind } from '../definition/schema';
import type { RetryPolicy } from '../../http/retry';
import { createRedactor } from '../../util/redactor';
import { DEFAULT_RETRY, withProviderRetry } from './retry';
import { datadogProvider } from './datadog';
import { sharedLimiter } from './limiter';
import { prometheusProvider } from './prometheus';
import { ProviderError, type MetricProvider } from './provider';
import { webProvider } from './web';

export interface ProviderSetup {
  launch: Launch;
  settings: Settings;
}

interface Built {
  provider: MetricProvider;
  /** Which backend, for sharing one concurrency budget. */
  endpoint: string;
  concurrency: number;
  /** Values that must never appear in a message. */
  secrets: string[];
}

const DEFAULT_DATADOG_SITE = 'datadoghq.com';

/** Spec settings give the defaults; action inputs supply secrets and win where given. */
const builders: Record<ProviderKind, (setup: ProviderSetup) => Built> = {
  prometheus: ({ launch, settings }) => {
    const spec = launch.providers.prometheus;
    const inputs = settings.prometheus;
    const url = inputs.url ?? spec.url;
    if (!url) throw new ProviderError('no Prometheus URL: set the prometheus-url input or launch.providers.prometheus.url', 'config');
    const provider = prometheusProvider({
      url,
      headers: { ...spec.headers, ...inputs.headers },
      timeoutMs: spec.timeout,
      token: inputs.token,
      username: inputs.username,
      password: inputs.password,
    });
    const secrets = [inputs.token, inputs.password, new URL(url).password, ...Object.values(inputs.headers)];
    return { provider, endpoint: url, concurrency: spec.concurrency, secrets: secrets.filter((s): s is string => Boolean(s)) };
  },
  datadog: ({ launch, settings }) => {
    const spec = launch.providers.datadog;
    const { apiKey, appKey } = settings.datadog;
    if (!apiKey || !appKey) throw new ProviderError('Datadog metric queries need both the datadog-api-key and datadog-app-key inputs', 'config');
    // The input always has a value (its default); only a deliberate one overrides the spec's site.
    const site = settings.datadog.site !== DEFAULT_DATADOG_SITE ? settings.datadog.site : (spec.site ?? DEFAULT_DATADOG_SITE);
    if (!spec.url && !(DATADOG_SITES as readonly string[]).includes(site)) {
      throw new ProviderError(`unknown Datadog site ${JSON.stringify(site)} (expected one of ${DATADOG_SITES.join(', ')})`, 'config');
    }
    const baseUrl = spec.url ?? `https://api.${site}`;
    return { provider: datadogProvider({ baseUrl, apiKey, appKey, timeoutMs: spec.timeout }), endpoint: baseUrl, concurrency: spec.concurrency, secrets: [apiKey, appKey] };
  },
  web: ({ launch }) => {
    const spec = launch.providers.web;
    return { provider: webProvider({ headers: spec.headers, timeoutMs: spec.timeout }), endpoint: 'web', concurrency: spec.concurrency, secrets: [] };
  },
};

/**
 * The provider of `kind`, ready for a check: every call shares its backend's concurrency budget, is
 * retried with backoff on transient errors, and has secrets masked out of its error messages.
 * Throws a config ProviderError when the provider lacks what it needs (URL, keys).
 */
export function createProvider(kind: ProviderKind, setup: ProviderSetup, policy: RetryPolicy = DEFAULT_RETRY): MetricProvider {
  const { provider, endpoint, concurrency, secrets } = builders[kind](setup);
  const redact = createRedactor(secrets);
  const limiter = sharedLimiter(`${kind} ${endpoint}`, concurrency);
  const guarded = <T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> =>
    withProviderRetry(
      () =>
        limiter.run(call).catch((error: unknown) => {
          if (error instanceof ProviderError) throw new ProviderError(redact(error.message), error.kind, error.retryAfterMs);
          throw error;
        }),
      policy,
      signal,
    );
  return {
    describe: (request) => redact(provider.describe(request)),
    // A retry asks again about the same `at`: a late answer does not move the evaluation time.
    instant: (request, at, signal) => guarded(() => provider.instant(request, at, signal), signal),
    history: provider.history,
    range: (request, range, signal) => guarded(() => provider.range(request, range, signal), signal),
  };
}
