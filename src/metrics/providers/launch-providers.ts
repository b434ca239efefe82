import type { RetryPolicy } from '../../http/retry';
import { createRedactor } from '../../util/redactor';
import { DEFAULT_RETRY, withProviderRetry } from './retry';
import { Limiter } from './limiter';
import { ProviderError, type MetricProvider } from './provider';
import { findProviderKind, type ProviderCredentials, type ProviderName, type ProviderSettings } from './registry';

/**
 * The launch's metric providers, each built once from the spec's `launch.providers` and the action's
 * credentials, on first use (a launch that measures nothing on Datadog needs no Datadog keys). Every
 * check of the launch shares a provider, so 200 checks against one Prometheus share its concurrency budget.
 */
export class LaunchProviders {
  private readonly built = new Map<ProviderName, MetricProvider | ProviderError>();

  constructor(
    private readonly settings: ProviderSettings,
    private readonly credentials: ProviderCredentials,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** The provider, or the config ProviderError that says what it lacks. */
  get(name: ProviderName): MetricProvider | ProviderError {
    let provider = this.built.get(name);
    if (!provider) {
      try {
        provider = this.build(name);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        provider = error;
      }
      this.built.set(name, provider);
    }
    return provider;
  }

  /** The longest a request to this provider may take. */
  timeout(name: ProviderName): number {
    return this.settings[name].timeout;
  }

  /**
   * Every call shares the provider's concurrency budget, is retried with backoff on transient errors,
   * and has secrets masked out of its error messages.
   */
  private build(name: ProviderName): MetricProvider {
    const kind = findProviderKind(name);
    const settings = this.settings[name];
    const { provider, secrets } = kind.build(settings, this.credentials[name]);
    const redact = createRedactor(secrets);
    const limiter = new Limiter(settings.concurrency);
    const guarded = <T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> =>
      withProviderRetry(
        () =>
          limiter.run(call).catch((error: unknown) => {
            if (error instanceof ProviderError) throw new ProviderError(redact(error.message), error.kind, error.retryAfterMs);
            throw error;
          }),
        this.policy,
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
}
