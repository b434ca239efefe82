import { describe, expect, it } from 'vitest';
import { LaunchView } from '../../src/events/launch-view';
import { renderPrComment } from '../../src/notify/pr-comment-body';
import { liveMessage } from '../../src/notify/slack-messages';
import { outcomeText } from '../../src/events/launch-text';

describe('a launch that succeeded with tolerated failures', () => {
  const view = new LaunchView({ service: 'checkout', environment: 'production', mode: 'launch', version: '2.0.0' });
  view.apply({
    type: 'launch.started',
    at: 0,
    launchId: 'l1',
    mode: 'launch',
    environment: 'production',
    version: '2.0.0',
    phases: [{ id: 'web-1', name: 'web-1' }],
  });
  view.apply({ type: 'launch.finished', at: 1, status: 'succeeded', durationMs: 1000, toleratedFailures: ['web-1'] });

  it('is never announced as a plain success: Slack, the PR comment and deployments (outcomeText) say so', () => {
    expect(outcomeText(view)).toBe('succeeded with 1 tolerated failure(s) (1s)');
    const slack = JSON.stringify(liveMessage(view));
    expect(slack).toContain('succeeded with 1 tolerated failure(s)');
    expect(slack).not.toContain('✅ checkout');
    expect(renderPrComment(view)).toMatch(/### ⚠️ .*succeeded with 1 tolerated failure\(s\)/);
  });
});
