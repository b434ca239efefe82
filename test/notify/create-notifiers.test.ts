import { describe, expect, it } from 'vitest';
import { createNotifiers } from '../../src/notify';
import { notifySchema } from '../../src/notify/schema';
import { SECRETS, notifierContext, type ContextOptions } from './harness';

const PULL_REQUEST = { eventName: 'pull_request', event: { pull_request: { number: 3, head: { sha: 'c'.repeat(40) } } } };

function names(options: ContextOptions & { all?: boolean }): string[] {
  const ctx = notifierContext({
    ...options,
    settings: (s) => {
      if (!options.all) return;
      s.slack = { webhookUrl: `https://hooks.slack.com${SECRETS.webhookPath}`, botToken: SECRETS.botToken, channel: 'C1' };
      s.github.token = SECRETS.githubToken;
      s.datadog = { ...s.datadog, apiKey: SECRETS.datadogApiKey };
    },
  });
  return createNotifiers(ctx).map((notifier) => notifier.name);
}

describe('createNotifiers', () => {
  it('creates nothing without credentials, and nothing for a plan', () => {
    expect(names({})).toEqual([]);
    expect(names({ all: true, mode: 'plan' })).toEqual([]);
  });

  it('creates each notifier whose credentials are given; the PR comment only on pull requests', () => {
    expect(names({ all: true })).toEqual(['slack-bot', 'slack-webhook', 'github-deployments', 'datadog-events']);
    expect(names({ all: true, run: PULL_REQUEST })).toEqual([
      'slack-bot',
      'slack-webhook',
      'github-deployments',
      'github-pr-comment',
      'datadog-events',
    ]);
  });

  it('leaves out what the spec turns off', () => {
    const notify = { github: { deployments: false, pr_comment: false }, datadog: { events: false } };
    expect(names({ all: true, run: PULL_REQUEST, notify })).toEqual(['slack-bot', 'slack-webhook']);
  });

  it('needs a repository for GitHub', () => {
    expect(names({ all: true, run: { owner: undefined, repo: undefined } })).toEqual(['slack-bot', 'slack-webhook', 'datadog-events']);
  });
});

describe('notify schema', () => {
  it('defaults every channel on and every Slack moment chosen', () => {
    expect(notifySchema.parse({})).toEqual({
      slack: { on: ['start', 'phase', 'success', 'failure', 'rollback'] },
      github: { deployments: true, pr_comment: true },
      datadog: { events: true },
    });
  });

  it('accepts Slack mention syntax and rejects plain text that would ping nobody', () => {
    for (const mention of ['<!subteam^S0123ABC>', '<!subteam^S0123ABC|@payments> <@U024BE7LH>', '<!here>']) {
      expect(notifySchema.safeParse({ slack: { mention_on_failure: mention } }).success).toBe(true);
    }
    const plain = notifySchema.safeParse({ slack: { mention_on_failure: '@payments' } });
    expect(plain.error?.issues[0]?.message).toContain('expected Slack mention syntax');
  });

  it('rejects unknown moments and keys', () => {
    expect(notifySchema.safeParse({ slack: { on: ['deploy'] } }).success).toBe(false);
    expect(notifySchema.safeParse({ teams: {} }).success).toBe(false);
    expect(notifySchema.safeParse({ github: { deployment: true } }).success).toBe(false);
  });
});
