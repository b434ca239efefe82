import { expect, it } from 'vitest';
import { codeSpan, markdownText } from '../../src/util/markdown';
import { singleLine } from '../../src/util/single-line';
import { escapeMrkdwn, mrkdwnCode } from '../../src/notify/slack-blocks';

it('keeps outside values from opening markdown emphasis, code, links, HTML, mentions, cells or lines', () => {
  expect(markdownText('*bold* _it_ ~del~ `code` [x](y) <b>&amp; <https://x> | @octocat\nnext < 0.05 a_b')).toBe(
    '\\*bold\\* \\_it\\_ \\~del\\~ \\`code\\` \\[x\\](y) &lt;b>&amp;amp; &lt;https://x> \\| @\u200Boctocat next < 0.05 a_b',
  );
});

it('fences a code span longer than any backtick run in its value', () => {
  expect(codeSpan('1.0')).toBe('`1.0`');
  expect(codeSpan('a`b')).toBe('``a`b``');
  expect(codeSpan('`x|y')).toBe('`` `x\\|y ``');
});

it('neutralises Slack emphasis and code marks except inside words, and keeps code spans closed', () => {
  expect(escapeMrkdwn('http_requests_total')).toBe('http_requests_total');
  expect(escapeMrkdwn('*all* ~x~')).toBe('\u200B*\u200Ball\u200B*\u200B \u200B~\u200Bx\u200B~\u200B');
  expect(mrkdwnCode('1.0`<!here>')).toBe('`1.0ˋ&lt;!here&gt;`');
});

it('folds CR and LF so a printed value cannot start a log line', () => {
  expect(singleLine('v1\r\n::set-output name=x::y\rz')).toBe('v1\\r\\n::set-output name=x::y\\rz');
});

it('leaves the redaction placeholder readable in markdown', () => {
  expect(markdownText('value is *** and **bold**')).toBe('value is *** and \\*\\*bold\\*\\*');
});
