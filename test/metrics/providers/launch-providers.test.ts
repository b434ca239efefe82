import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { LaunchProviders } from '../../../src/metrics/providers/launch-providers';
import { ProviderError, type MetricProvider } from '../../../src/metrics/providers/provider';
import { providerSettingsSchema } from '../../../src/metrics/providers/registry';
import { defaultSettings } from '../../../src/settings/inputs';
import { sendJson, startServer, type TestServer } from '../../support/http-server';
import { waitFor } from '../../support/wait-for';

// A Prometheus that answers only when the test says so: what is in flight at once is then visible.
let server: TestServer | undefined;
afterEach(() => server?.close());

const held: ServerResponse[] = [];
let inFlight = 0;
let mostInFlight = 0;

async function holdingPrometheus(): Promise<string> {
  held.length = 0;
  inFlight = mostInFlight = 0;
  server = await startServer((_req, res) => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    held.push(res);
  });
  return server.url;
}

function releaseOne(): void {
  inFlight -= 1;
  sendJson(held.shift()!, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }] } });
}

function launchProviders(url: string | undefined, concurrency: number): LaunchProviders {
  const settings = defaultSettings();
  return new LaunchProviders(providerSettingsSchema.parse({ prometheus: { concurrency } }), {
    ...settings,
    prometheus: { ...settings.prometheus, url },
  });
}

const request = { name: 'up', provider: 'prometheus', query: 'up', window: 60_000, step: 15_000 };
const read = (provider: MetricProvider) => provider.instant(request, Date.now(), new AbortController().signal);

describe('the launch providers', () => {
  it('build each provider once, so every check of a launch shares its concurrency budget', async () => {
    const providers = launchProviders(await holdingPrometheus(), 2);
    const provider = providers.get('prometheus') as MetricProvider;
    expect(providers.get('prometheus')).toBe(provider);
    // Five checks' requests at once, through the provider each check gets.
    const readings = Array.from({ length: 5 }, () => read(providers.get('prometheus') as MetricProvider));
    await waitFor(() => held.length === 2, 'two requests in flight');
    for (let answered = 0; answered < 5; answered++) {
      await waitFor(() => held.length > 0, 'a queued request to arrive');
      releaseOne();
    }
    expect(await Promise.all(readings)).toHaveLength(5);
    expect(mostInFlight).toBe(2);
  });

  it('give another launch a budget of its own', async () => {
    const url = await holdingPrometheus();
    const first = launchProviders(url, 2).get('prometheus') as MetricProvider;
    const second = launchProviders(url, 2).get('prometheus') as MetricProvider;
    const readings = [read(first), read(first), read(second)];
    await waitFor(() => held.length === 3, "the second launch's request beside the first one's two");
    for (let answered = 0; answered < 3; answered++) releaseOne();
    expect(await Promise.all(readings)).toHaveLength(3);
  });

  it('say what a provider lacks, as a configuration error', () => {
    const missing = launchProviders(undefined, 2).get('prometheus');
    expect(missing).toBeInstanceOf(ProviderError);
    expect((missing as ProviderError).kind).toBe('config');
    expect((missing as ProviderError).message).toBe('no Prometheus URL: set the prometheus-url input or launch.providers.prometheus.url');
  });
});
