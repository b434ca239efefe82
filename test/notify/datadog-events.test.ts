import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notify';
import { datadogRateLimit, startFakeDatadogEvents, type FakeDatadogEvents } from '../fakes/datadog-events';
import { ERROR_RATE_BREACH, RUN_URL, SECRETS, launchOn, notifierContext, warningsOf, type ContextOptions } from './harness';

let datadog: FakeDatadogEvents;
beforeEach(async () => {
  datadog = await startFakeDatadogEvents({ apiKey: SECRETS.datadogApiKey, appKey: SECRETS.datadogAppKey });
});
afterEach(() => datadog.close());

function datadogLaunch(options: ContextOptions & { appKey?: boolean } = {}) {
  const ctx = notifierContext({
    ...options,
    endpoints: { datadogApi: datadog.url },
    settings: (s) => {
      s.datadog.apiKey = SECRETS.datadogApiKey;
      if (options.appKey !== false) s.datadog.appKey = SECRETS.datadogAppKey;
    },
  });
  const notifiers = createNotifiers(ctx);
  expect(notifiers.map((n) => n.name)).toEqual(['datadog-events']);
  return launchOn(ctx, notifiers);
}

const TAGS = ['service:checkout', 'env:production', 'version:1.4.0'];

describe('Datadog change events', () => {
  it('marks the start and the finish of a launch as v2 change events, tagged service, env and version', async () => {
    const { bus, script } = datadogLaunch();
    script.succeed();
    await bus.flush();

    expect(warningsOf(bus)).toEqual([]);
    expect(datadog.v2Events.map((e) => e.data.attributes.title)).toEqual([
      'Launch started: checkout 1.4.0 → production',
      'checkout 1.4.0 → production: succeeded (4m12s)',
    ]);
    const finish = datadog.v2Events[1]!.data.attributes;
    expect(finish).toMatchObject({
      category: 'change',
      tags: TAGS,
      aggregation_key: '4242-1',
      attributes: {
        changed_resource: { name: 'checkout', type: 'configuration' },
        impacted_resources: [{ name: 'checkout', type: 'service' }],
        author: { name: 'octocat', type: 'user' },
        new_value: { version: '1.4.0' },
        prev_value: { version: '1.3.9' },
        change_metadata: { launch_id: '4242-1', status: 'succeeded', run_url: RUN_URL },
      },
    });
  });

  it('marks a rollback with the breach that caused it', async () => {
    const { bus, script } = datadogLaunch();
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();
    const titles = datadog.v2Events.map((e) => e.data.attributes.title);
    expect(titles).toEqual([
      expect.stringContaining('Launch started'),
      'Rollback started: checkout 1.4.0 → production',
      expect.stringContaining('rolled back at phase'),
    ]);
    expect(datadog.v2Events[1]!.data.attributes.message).toContain('measured 0.12 against < 0.05');
  });

  it('tags a manual rollback with the version it puts back', async () => {
    const { bus, script } = datadogLaunch({ mode: 'rollback' });
    script.manualRollback();
    await bus.flush();
    expect(datadog.v2Events.map((e) => e.data.attributes.title)).toEqual([
      'Rollback started: checkout ↩ 1.3.9 in production',
      expect.stringContaining('rolled back'),
    ]);
    expect(datadog.v2Events[0]!.data.attributes.tags).toContain('version:1.3.9');
  });

  it('uses Events v1 with an API key alone', async () => {
    const { bus, script } = datadogLaunch({ appKey: false });
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();
    expect(warningsOf(bus)).toEqual([]);
    expect(datadog.v2Events).toEqual([]);
    expect(datadog.v1Events.map((e) => e.alert_type)).toEqual(['info', 'warning', 'warning']);
    expect(datadog.v1Events[2]).toMatchObject({ tags: TAGS, aggregation_key: '4242-1', source_type_name: 'launch-action' });
    expect(datadog.v1Events[2]!.text.length).toBeLessThanOrEqual(4000);
  });

  it('waits X-RateLimit-Reset seconds on 429, then delivers', async () => {
    const sleeps: number[] = [];
    datadog.answerNext(datadogRateLimit(4));
    const { bus, script } = datadogLaunch({ sleeps });
    script.succeed();
    await bus.flush();
    expect(sleeps).toEqual([4000]);
    expect(datadog.v2Events).toHaveLength(2);
    expect(warningsOf(bus)).toEqual([]);
  });

  it('turns a rejected key into one warning and stops', async () => {
    datadog.answerNext({ status: 403, errors: ['Forbidden'] });
    const { bus, script } = datadogLaunch();
    script.breachAndRollBack(ERROR_RATE_BREACH);
    await bus.flush();
    expect(warningsOf(bus).map((w) => w.message)).toEqual(['Datadog event: HTTP 403: Forbidden; nothing more is sent for this launch']);
    expect(datadog.server.requests).toHaveLength(1);
  });
});

describe('Datadog events base URL', () => {
  it("takes the spec's notify.datadog.events_url, and the datadog-events-url input over it", async () => {
    for (const urls of [{ spec: datadog.url }, { spec: 'http://127.0.0.1:9', input: datadog.url }]) {
      const before = datadog.v2Events.length;
      const ctx = notifierContext({
        notify: { datadog: { events_url: urls.spec } },
        settings: (s) => {
          s.datadog.apiKey = SECRETS.datadogApiKey;
          s.datadog.appKey = SECRETS.datadogAppKey;
          s.datadog.eventsUrl = urls.input;
        },
      });
      const { bus, script } = launchOn(ctx, createNotifiers(ctx));
      script.succeed();
      await bus.flush();
      expect(warningsOf(bus)).toEqual([]);
      expect(datadog.v2Events.length - before).toBe(2);
    }
  });
});
