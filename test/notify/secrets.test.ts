import { afterEach, beforeEach, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notify';
import { startFakeDatadogEvents, type FakeDatadogEvents } from '../fakes/datadog-events';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import { startFakeSlack, type FakeSlack } from '../fakes/slack';
import { SECRETS, launchOn, notifierContext, warningsOf } from './harness';
import { scan } from '../support/secret-scan';

let slack: FakeSlack;
let github: FakeGitHub;
let datadog: FakeDatadogEvents;
beforeEach(async () => {
  slack = await startFakeSlack({ token: SECRETS.botToken, webhookPath: SECRETS.webhookPath });
  github = await startFakeGitHub({ token: SECRETS.githubToken });
  datadog = await startFakeDatadogEvents({ apiKey: SECRETS.datadogApiKey, appKey: SECRETS.datadogAppKey });
});
afterEach(async () => {
  await Promise.all([slack.close(), github.close(), datadog.close()]);
});

/** A pull-request run with every notifier pointed at the fakes, given these credentials. */
function everyNotifierOn(
  slackFake: FakeSlack,
  githubFake: FakeGitHub,
  datadogFake: FakeDatadogEvents,
  keys: { bot: string; github: string; datadog: string; app: string },
) {
  return notifierContext({
    endpoints: { slackApi: slackFake.apiUrl, datadogApi: datadogFake.url },
    run: {
      apiUrl: githubFake.apiUrl,
      eventName: 'pull_request',
      event: { number: 7, pull_request: { number: 7, head: { sha: 'e'.repeat(40) } } },
    },
    settings: (s) => {
      s.slack = { webhookUrl: slackFake.webhookUrl, botToken: keys.bot, channel: 'C0LAUNCHES' };
      s.github.token = keys.github;
      s.datadog = { ...s.datadog, apiKey: keys.datadog, appKey: keys.app };
    },
  });
}

it('sends and warns no secret value, even when a check or a service echoes one', async () => {
  const ctx = everyNotifierOn(slack, github, datadog, {
    bot: SECRETS.botToken,
    github: SECRETS.githubToken,
    datadog: SECRETS.datadogApiKey,
    app: SECRETS.datadogAppKey,
  });
  const notifiers = createNotifiers(ctx);
  expect(notifiers.map((n) => n.name)).toEqual(['slack-bot', 'slack-webhook', 'github-deployments', 'github-pr-comment', 'datadog-events']);

  // Services that answer with a secret in their error text.
  github.answerNext('create-deployment', {
    status: 422,
    body: { message: `Invalid request: token ${SECRETS.githubToken} may not deploy` },
  });
  slack.failNext('webhook', { status: 400, error: `invalid_payload near ${slack.webhookUrl}` });

  const { bus, script } = launchOn(ctx, notifiers);
  const leaky =
    `curl -H "Authorization: Bearer ${SECRETS.githubToken}" ${slack.webhookUrl}` +
    ` -u ${SECRETS.botToken}:${SECRETS.datadogApiKey}/${SECRETS.datadogAppKey} → 500`;
  script.breachAndRollBack({ check: 'smoke', value: 500, threshold: '== 200', message: leaky });
  await bus.flush();

  const warnings = warningsOf(bus)
    .map((w) => w.message)
    .join('\n');
  expect(warnings).toContain('***');
  const sent = [slack, github, datadog].flatMap((fake) =>
    fake.server.requests.map((r) => `${r.path === SECRETS.webhookPath ? '' : r.url}\n${r.body}`),
  );
  expect(sent.length).toBeGreaterThan(20);
  expect(sent.join('\n')).toContain('***');
  for (const secret of Object.values(SECRETS)) {
    expect(warnings).not.toContain(secret);
    for (const request of sent) expect(request).not.toContain(secret);
  }
});

it('sends no form of a secret shaped to survive escaping, to the bot, the webhook, GitHub or Datadog', async () => {
  const shaped = { bot: 'xoxb-1<2>&3|4*5"6\\7', github: 'ghs_a*b_c~d`e', datadog: "dd'<key> & more", app: 'Zq~' };
  const [bot, gh, dd] = await Promise.all([
    startFakeSlack({ token: shaped.bot, webhookPath: SECRETS.webhookPath }),
    startFakeGitHub({ token: shaped.github }),
    startFakeDatadogEvents({ apiKey: shaped.datadog, appKey: shaped.app }),
  ]);
  try {
    const ctx = everyNotifierOn(bot, gh, dd, shaped);
    const notifiers = createNotifiers(ctx);
    gh.answerNext('create-comment', { status: 422, body: { message: `no: ${encodeURIComponent(shaped.github)}` } });
    const { bus, script } = launchOn(ctx, notifiers);
    const secrets = [...Object.values(shaped), SECRETS.webhookPath];
    const printed = secrets
      .map((s) => `${s} ${encodeURIComponent(s)} ${Buffer.from(s).toString('base64')} ${JSON.stringify(s)}`)
      .join(' / ');
    script.breachAndRollBack({ check: `smoke ${shaped.bot}`, value: 500, threshold: '== 200', message: printed });
    await bus.flush();
    const requests = [bot, gh, dd].flatMap((fake) => fake.server.requests);
    expect(requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/chat.postMessage', SECRETS.webhookPath]));
    expect(dd.server.requests.length).toBeGreaterThan(0);
    const channels = Object.fromEntries([
      ...requests.map((r, i) => [
        `request ${i} ${r.path === SECRETS.webhookPath ? '(webhook)' : r.url}`,
        `${r.path === SECRETS.webhookPath ? '' : r.url}\n${r.body}`,
      ]),
      [
        'warnings',
        warningsOf(bus)
          .map((w) => w.message)
          .join('\n'),
      ],
    ]);
    expect(scan(channels, secrets)).toEqual([]);
  } finally {
    await Promise.all([bot.close(), gh.close(), dd.close()]);
  }
});
