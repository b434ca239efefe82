import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../support/run-action';
import { sendJson, startServer, type TestServer } from '../support/http-server';
import { startFakeGitHub, type FakeGitHub } from '../fakes/github';
import { startFakeSlack, type FakeSlack } from '../fakes/slack';
import { encodings, scan } from '../support/secret-scan';

// Secrets a password manager produces, one shape each, through every source the action takes a secret
// from, in a launch through dist/ whose commands print them raw and encoded and fail, and whose
// Prometheus, Slack and GitHub answer with the credentials in their errors. Every channel is scanned
// for every encoding. (The bot token and Datadog events have no endpoint an action run can point at
// a fake: test/notify/secrets.test.ts covers them in-process.)
const WEBHOOK_PATH = '/services/T0FAKE/B0FAKE/W3bh00kSecretPath';
const GITHUB_TOKEN = `ghs_T0k'en"q\\%x`;
const PROMETHEUS_USER = 'launch-bot';
const SECRETS = {
  'prometheus-password': 'p<a>ss&w|rd* 9',
  'github-token': GITHUB_TOKEN,
  'datadog-api-key': 'dd-line-one-AAAA\ndd-line-two-BBBB',
  'datadog-app-key': 'Zq~',
  'webhook path': WEBHOOK_PATH,
  'vars REGISTRY_PASSWORD': 'ünïcødé-pässwörd-€',
  'vars DEPLOY_TOKEN': `wrap-${GITHUB_TOKEN}-wrap`,
  'spec SIGNING_TOKEN': `spec-"signing"<tok>'`,
  'url user': 'url-user',
  'url password': 'url-p@ss/w%rd',
};
const BASIC_PAIRS = [`${PROMETHEUS_USER}:${SECRETS['prometheus-password']}`, `${SECRETS['url user']}:${SECRETS['url password']}`];

/** The secrets every run is given, then those of the Prometheus credentials each run picks. */
const COMMON = Object.entries(SECRETS).flatMap(([source, value]) => (/^(prometheus|url)/.test(source) ? [] : [value]));
const PASSWORD_RUN = [...COMMON, SECRETS['prometheus-password'], BASIC_PAIRS[0]!];
const URL_RUN = [...COMMON, SECRETS['url user'], SECRETS['url password'], BASIC_PAIRS[1]!];

/** The log as the runner shows it: each `::add-mask::` value (unescaped) hidden from the lines after it. */
function maskAsTheRunner(stdout: string): string {
  const masks: string[] = [];
  const shown: string[] = [];
  for (const line of stdout.split('\n')) {
    const mask = /^::add-mask::(.*)$/.exec(line.replace(/\r$/, ''));
    if (mask) {
      masks.push(mask[1]!.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
      masks.sort((a, b) => b.length - a.length);
      continue;
    }
    shown.push(masks.reduce((out, value) => (value.includes('\n') ? out : out.split(value).join('***')), line));
  }
  return shown.join('\n');
}

/** Prints every secret raw, URL-encoded, base64 and JSON-escaped, then fails with the last one as its last line. */
const LEAK_SCRIPT = `
const secrets = JSON.parse(require('fs').readFileSync(process.env.CORPUS_FILE, 'utf8'));
for (const s of secrets) {
  console.log(s);
  console.log(encodeURIComponent(s) + ' ' + encodeURIComponent(s).replace(/%20/g, '+'));
  console.log(Buffer.from(s).toString('base64') + ' ' + JSON.stringify(s));
}
console.log('failing with ' + secrets[secrets.length - 2]);
process.exit(1);
`;

const GATES = {
  // A Prometheus query, answered with the credentials it carried.
  metric: `        - type: metric
          name: error rate
          provider: prometheus
          query: up
          max: 1
          consecutive_error_limit: 0`,
  // A command check that prints them all and fails, its last line in the message.
  command: `        - type: command
          name: leaky smoke
          command: node leak.cjs`,
};

/** Deploy prints every secret and its rollback fails printing them again; traffic's gate fails. */
function spec(gate: keyof typeof GATES): string {
  return `launch:
  environment: production
  vars:
    SIGNING_TOKEN: ${JSON.stringify(SECRETS['spec SIGNING_TOKEN'])}
  notify:
    github: { deployments: true, pr_comment: true }
  phases:
    - id: deploy
      run: node leak.cjs || true
      rollback: node leak.cjs
    - id: traffic
      gates:
${GATES[gate]}
      run: echo never
`;
}

let github: FakeGitHub;
let slack: FakeSlack;
let prometheus: TestServer;

beforeAll(async () => {
  github = await startFakeGitHub({ token: GITHUB_TOKEN, owner: 'acme', repo: 'shop' });
  slack = await startFakeSlack({ token: 'unused-bot-token', webhookPath: WEBHOOK_PATH });
  // A Prometheus that answers every query with the credentials it was sent, as a misconfigured proxy does.
  prometheus = await startServer((req, res) =>
    sendJson(res, 400, {
      status: 'error',
      errorType: 'bad_data',
      error: `rejected ${String(req.headers.authorization)} for ${req.url} ${req.body}`,
    }),
  );
});
afterAll(async () => {
  await Promise.all([github?.close(), slack?.close(), prometheus?.close()]);
});

async function leakyLaunch(
  gate: keyof typeof GATES,
  corpus: readonly string[],
  inputs: Record<string, string>,
): Promise<{ run: ActionRun; channels: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'secret-corpus-'));
  writeFileSync(join(dir, 'launch.yml'), spec(gate).replace(/node leak\.cjs/g, `node ${JSON.stringify(join(dir, 'leak.cjs'))}`));
  writeFileSync(join(dir, 'leak.cjs'), LEAK_SCRIPT);
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify(corpus));
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ number: 7, pull_request: { number: 7, head: { sha: 'e'.repeat(40) } } }));
  // Errors that echo what they were sent, once each.
  github.answerNext('create-deployment', { status: 422, body: { message: `Invalid request: token ${GITHUB_TOKEN} may not deploy` } });
  slack.failNext('webhook', { status: 400, error: `invalid_payload near ${slack.webhookUrl}` });
  const before = { github: github.server.requests.length, slack: slack.server.requests.length, prometheus: prometheus.requests.length };
  const run = await runAction({
    inputs: {
      spec: 'launch.yml',
      'working-directory': dir,
      version: '1.4.0',
      'github-token': GITHUB_TOKEN,
      'slack-webhook-url': slack.webhookUrl,
      'datadog-api-key': SECRETS['datadog-api-key'],
      'datadog-app-key': SECRETS['datadog-app-key'],
      vars: `REGISTRY_PASSWORD=${SECRETS['vars REGISTRY_PASSWORD']}\nDEPLOY_TOKEN=${SECRETS['vars DEPLOY_TOKEN']}`,
      ...inputs,
    },
    cwd: dir,
    env: {
      CORPUS_FILE: join(dir, 'corpus.json'),
      GITHUB_API_URL: github.apiUrl,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '4242',
      GITHUB_SHA: 'e'.repeat(40),
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
    },
  });
  const requests = [
    ...github.server.requests.slice(before.github),
    ...slack.server.requests.slice(before.slack),
    ...prometheus.requests.slice(before.prometheus),
  ];
  const report = run.outputs.report && existsSync(run.outputs.report) ? readFileSync(run.outputs.report, 'utf8') : '';
  const channels: Record<string, string> = {
    log: maskAsTheRunner(run.stdout),
    stderr: run.stderr,
    summary: run.summary,
    report,
    outputs: JSON.stringify(run.outputs),
    state: JSON.stringify(run.state),
    // What the action sent, beyond the credentials each service must be given in its headers.
    ...Object.fromEntries(
      requests.map((request, index) => [
        `request ${index} ${request.method} ${request.path === WEBHOOK_PATH ? '(webhook)' : request.path}`,
        request.body,
      ]),
    ),
  };
  return { run, channels };
}

describe('the secret corpus through dist/', () => {
  it('the scan finds a leak planted in any form, in any channel', () => {
    const planted = encodings(SECRETS['prometheus-password']);
    expect(planted.length).toBeGreaterThanOrEqual(6);
    for (const form of planted)
      expect(scan({ ok: 'nothing here', leaky: `x ${form} y` }, PASSWORD_RUN)).toEqual([`leaky: ${JSON.stringify(form)}`]);
    expect(scan({ log: maskAsTheRunner(`::add-mask::url-user\nuser url-user`) }, ['url-user'])).toEqual([]);
    // Masked only from the moment it is registered, as the runner does.
    expect(scan({ log: maskAsTheRunner(`user url-user\n::add-mask::url-user`) }, ['url-user'])).toEqual(['log: "url-user"']);
  });

  it('no secret from inputs, vars, the spec or the action-built Basic pair leaves, in any form', { timeout: 120_000 }, async () => {
    const { run, channels } = await leakyLaunch('metric', PASSWORD_RUN, {
      'prometheus-url': prometheus.url,
      'prometheus-username': PROMETHEUS_USER,
      'prometheus-password': SECRETS['prometheus-password'],
    });
    expect(run.outputs.status, run.stdout).toBe('rollback_failed');
    // The launch did what the scan needs: commands printed, services answered with credentials, notifiers sent.
    expect(run.stdout).toContain('::add-mask::');
    expect(channels.report).toContain('***');
    expect(channels.summary).toContain('***');
    expect(Object.keys(channels).filter((name) => name.startsWith('request')).length).toBeGreaterThan(5);
    expect(run.stdout).toMatch(/::warning::.*3 character/);
    expect(run.stdout).toContain(`::add-mask::${SECRETS['spec SIGNING_TOKEN']}`);
    expect(scan(channels, PASSWORD_RUN)).toEqual([]);
  });

  it('nor do the credentials of a URL the action is given', { timeout: 120_000 }, async () => {
    const url = new URL(prometheus.url);
    url.username = encodeURIComponent(SECRETS['url user']);
    url.password = encodeURIComponent(SECRETS['url password']);
    const { run, channels } = await leakyLaunch('metric', URL_RUN, { 'prometheus-url': url.toString() });
    expect(run.outputs.status, run.stdout).toBe('rollback_failed');
    expect(prometheus.requests.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from(BASIC_PAIRS[1]!).toString('base64')}`);
    expect(scan(channels, URL_RUN)).toEqual([]);
  });

  it('nor a secret a failing command check prints as its last line', { timeout: 120_000 }, async () => {
    const { run, channels } = await leakyLaunch('command', PASSWORD_RUN, {
      'prometheus-url': prometheus.url,
      'prometheus-password': SECRETS['prometheus-password'],
      'prometheus-username': PROMETHEUS_USER,
    });
    expect(run.outputs.status, run.stdout).toBe('rollback_failed');
    expect(channels.report).toContain('leaky smoke');
    expect(channels.report).toContain('failing with ***');
    expect(scan(channels, PASSWORD_RUN)).toEqual([]);
  });
});
