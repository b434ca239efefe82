import { describe, expect, it } from 'vitest';
import { InputError, credentialVarNames, credentialVars, parseKeyValueLines, readSettings, secretsOf } from '../../src/settings/inputs';
import { renderPlan } from '../../src/report/plan';
import { parseSpec } from '../../src/spec/load';
import { checkLaunch } from '../../src/runner/check-launch';

const from = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

describe('action inputs', () => {
  it('applies the documented defaults', () => {
    const settings = readSettings(from({}));
    expect(settings).toMatchObject({
      spec: '.github/launch.yml',
      mode: 'launch',
      workingDirectory: '.',
      vars: {},
      datadog: { site: 'datadoghq.com' },
    });
    expect(settings.version).toBeUndefined();
  });

  it('parses vars as KEY=value lines, keeping = inside values and skipping comments', () => {
    expect(parseKeyValueLines('A=1\n# note\n\nURL=http://x/?a=b\n', 'vars')).toEqual({ A: '1', URL: 'http://x/?a=b' });
  });

  it('parses headers as Name: value lines', () => {
    expect(readSettings(from({ 'prometheus-headers': 'X-Scope-OrgID: team-a\nAuthorization: Bearer t' })).prometheus.headers).toEqual({
      'X-Scope-OrgID': 'team-a',
      Authorization: 'Bearer t',
    });
  });

  it.each([
    [{ vars: 'NOT A PAIR' }, 'vars line 1: expected NAME=value'],
    [{ mode: 'deploy' }, "input 'mode':"],
    [{ 'prometheus-url': 'not a url' }, "input 'prometheus-url':"],
    [{ 'slack-bot-token': 'xoxb-1' }, "input 'slack-channel': required when 'slack-bot-token' is set"],
    [{ 'datadog-site': 'api.datadoghq.com' }, "input 'datadog-site': expected one of datadoghq.com, us3.datadoghq.com"],
    [{ 'prometheus-username': 'u' }, "inputs 'prometheus-username' and 'prometheus-password' go together"],
  ])('rejects %j', (inputs, message) => {
    expect(() => readSettings(from(inputs))).toThrow(InputError);
    expect(() => readSettings(from(inputs))).toThrow(message);
  });
});

describe('secret inputs', () => {
  it('collects every secret input, header value and credential-named variable, and never echoes a bad line', () => {
    const settings = readSettings(
      from({
        'slack-bot-token': 'xoxb-bot',
        'slack-channel': 'C1',
        'prometheus-headers': 'X-Scope-OrgID: tenant-abc',
        vars: 'REGISTRY_PASSWORD=hunter22\nREGION=eu-west-1',
      }),
    );
    expect(secretsOf(settings)).toEqual(expect.arrayContaining(['xoxb-bot', 'tenant-abc', 'hunter22']));
    expect(secretsOf(settings)).not.toContain('eu-west-1');
    expect(() => readSettings(from({ 'prometheus-headers': 'X-Scope-OrgID tenant-secret-abc' }))).toThrow(
      /^prometheus-headers line 1: expected NAME:value$/,
    );
  });

  it('passes secret-vars to commands like vars, overriding them, and treats every value as a secret whatever its name', () => {
    const settings = readSettings(
      from({
        vars: 'REGION=eu-west-1\nDB_URL=postgres://plain',
        'secret-vars': 'DB_URL=postgres://u:p4ss@db\nDEPLOY_KEY_ID=AKIA1234',
      }),
    );
    expect(settings.vars).toEqual({ REGION: 'eu-west-1', DB_URL: 'postgres://u:p4ss@db', DEPLOY_KEY_ID: 'AKIA1234' });
    expect(secretsOf(settings)).toEqual(expect.arrayContaining(['postgres://u:p4ss@db', 'AKIA1234']));
    expect(secretsOf(settings)).not.toContain('eu-west-1');
    expect(() => readSettings(from({ 'secret-vars': 'not a pair s3cr3t' }))).toThrow(/^secret-vars line 1: expected NAME=value$/);
  });

  it('reads the Slack Web API and Datadog events base URLs, refusing what is no URL by input name', () => {
    const settings = readSettings(
      from({ 'slack-api-url': 'https://slack-gov.com/api', 'datadog-events-url': 'https://dd-relay.internal' }),
    );
    expect(settings.slack.apiUrl).toBe('https://slack-gov.com/api');
    expect(settings.datadog.eventsUrl).toBe('https://dd-relay.internal');
    expect(() => readSettings(from({ 'slack-api-url': 'slack-gov' }))).toThrow(/^input 'slack-api-url': /);
    expect(() => readSettings(from({ 'datadog-events-url': 'relay' }))).toThrow(/^input 'datadog-events-url': /);
  });

  it('takes the secret parts of the URLs it is given and the Basic pair it builds', () => {
    const settings = readSettings(
      from({
        'prometheus-url': 'https://reader:s3cr%40t@prom.example/',
        'slack-webhook-url': 'https://hooks.slack.com/services/T0/B0/hookSecret',
        'prometheus-username': 'bot',
        'prometheus-password': 'pw-1',
      }),
    );
    expect(secretsOf(settings)).toEqual(
      expect.arrayContaining(['reader', 's3cr@t', 'hookSecret', '/services/T0/B0/hookSecret', Buffer.from('bot:pw-1').toString('base64')]),
    );
  });

  it('rejects a line break in a name or version without echoing it', () => {
    expect(() => readSettings(from({ version: '1.0\n::set-output name=x::y' }))).toThrow(/^input 'version': must be a single line$/);
  });
});

describe("the spec's own credential vars", () => {
  it('are secrets, and plan warns they belong in a secret passed through the vars input', () => {
    const vars = { SIGNING_TOKEN: 'tok-123', REGION: 'eu', EMPTY_SECRET: '' };
    expect(credentialVars(vars)).toEqual(['tok-123']);
    expect(credentialVarNames(vars)).toEqual(['SIGNING_TOKEN']);
    const launch = parseSpec(
      'launch:\n  environment: prod\n  vars:\n    SIGNING_TOKEN: tok-123\n  phases:\n    - id: a\n      run: "true"\n',
      'launch.yml',
    );
    const plan = renderPlan(launch, checkLaunch(launch, readSettings(from({}))), {}, '.');
    // A warning, not a problem: it does not refuse the launch.
    expect(plan.problems).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringMatching(/^vars\.SIGNING_TOKEN holds a credential written in the spec: .*`vars` input/)]);
    expect(plan.text).not.toContain('tok-123');
  });
});
