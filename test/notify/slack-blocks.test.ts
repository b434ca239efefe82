import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, context, escapeMrkdwn, fitLines, header, section, slackMessage } from '../../src/notify/slack-blocks';
import { truncate } from '../../src/util/truncate';
import { blockKitProblem } from '../fakes/slack';

describe('Block Kit within limits', () => {
  it('shortens headers, section text and fields, and caps fields and context elements', () => {
    const message = slackMessage('x'.repeat(5000), [
      header('h'.repeat(400)),
      section(
        's'.repeat(5000),
        Array.from({ length: 14 }, () => 'f'.repeat(2500)),
      ),
      context(Array.from({ length: 12 }, (_, i) => `part ${i}`)),
    ]);
    expect(blockKitProblem(message.blocks)).toBeUndefined();
    expect(message.text.length).toBe(SLACK_LIMITS.fallbackText);
    const [head, body, footer] = message.blocks as any[];
    expect(head.text.text).toHaveLength(150);
    expect(head.text.text.endsWith('…')).toBe(true);
    expect(body.fields.length).toBeLessThanOrEqual(10);
    expect(footer.elements).toHaveLength(10);
  });

  it('keeps at most 50 blocks, saying how many it left out', () => {
    const message = slackMessage(
      't',
      Array.from({ length: 80 }, (_, i) => section(`block ${i}`)),
    );
    expect(message.blocks).toHaveLength(50);
    expect(JSON.stringify(message.blocks.at(-1))).toContain('…and 31 more');
    expect(blockKitProblem(message.blocks)).toBeUndefined();
  });

  it('shortens sections until the whole message stays under Slack’s total size', () => {
    const message = slackMessage(
      't',
      Array.from({ length: 8 }, () => section('y'.repeat(2900))),
    );
    expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.blocksChars);
    expect(blockKitProblem(message.blocks)).toBeUndefined();
  });

  it('drops empty sections, which Slack rejects', () => {
    expect(slackMessage('t', [section(''), section('kept')]).blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'kept' } }]);
  });
});

describe('text helpers', () => {
  it('fits whole lines and says how many are hidden', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`);
    expect(fitLines(lines, 1000, () => 'unused')).toBe(lines.join('\n'));
    const fitted = fitLines(lines, 40, (hidden) => `…and ${hidden} more`);
    expect(fitted.length).toBeLessThanOrEqual(40);
    expect(fitted).toBe('line 0\nline 1\nline 2\nline 3\n…and 6 more');
  });

  it('escapes Slack markup characters', () => {
    expect(escapeMrkdwn('p99 < 200 & errors > 1% <!channel>')).toBe('p99 &lt; 200 &amp; errors &gt; 1% &lt;!channel&gt;');
  });

  it('never cuts an emoji in half', () => {
    const cut = truncate('ab🚀cd', 4);
    expect(cut).toBe('ab…');
    expect(truncate('short', 10)).toBe('short');
  });
});
