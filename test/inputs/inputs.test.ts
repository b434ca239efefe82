import { describe, expect, it } from 'vitest';
import { InputError, parseKeyValueLines, readSettings } from '../../src/inputs';

const from = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

describe('action inputs', () => {
  it('applies the documented defaults', () => {
    const settings = readSettings(from({}));
    expect(settings).toMatchObject({ spec: '.github/launch.yml', mode: 'launch', workingDirectory: '.', vars: {}, datadog: { site: 'datadoghq.com' } });
    expect(settings.version).toBeUndefined();
  });

  it('parses vars as KEY=value lines, keeping = inside values and skipping comments', () => {
    expect(parseKeyValueLines('A=1\n# note\n\nURL=http://x/?a=b\n', 'vars')).toEqual({ A: '1', URL: 'http://x/?a=b' });
  });

  it('parses headers as Name: value lines', () => {
    expect(readSettings(from({ 'prometheus-headers': 'X-Scope-OrgID: team-a\nAuthorization: Bearer t' })).prometheus.headers).toEqual({ 'X-Scope-OrgID': 'team-a', Authorization: 'Bearer t' });
  });

  it.each([
    [{ vars: 'NOT A PAIR' }, 'vars line 1: expected NAME=value, got "NOT A PAIR"'],
    [{ mode: 'deploy' }, "input 'mode':"],
    [{ 'prometheus-url': 'not a url' }, "input 'prometheus-url':"],
    [{ 'slack-bot-token': 'xoxb-1' }, "input 'slack-channel': required when 'slack-bot-token' is set"],
    [{ 'prometheus-username': 'u' }, "inputs 'prometheus-username' and 'prometheus-password' go together"],
  ])('rejects %j', (inputs, message) => {
    expect(() => readSettings(from(inputs))).toThrow(InputError);
    expect(() => readSettings(from(inputs))).toThrow(message);
  });
});
