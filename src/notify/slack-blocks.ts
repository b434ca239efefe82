import { truncate } from '../util/truncate';

/**
 * Block Kit building blocks that stay within Slack's limits whatever goes in: Slack rejects a whole
 * message for one oversized block, and a notification that fails to post is worse than a shortened one.
 */

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Slack answers msg_blocks_too_long near 13k characters of blocks; keep a margin. */
  blocksChars: 12_000,
  /** The notification text; Slack would take more, but nobody reads more in a notification. */
  fallbackText: 1000,
} as const;

type PlainText = { type: 'plain_text'; text: string; emoji: true };
type Mrkdwn = { type: 'mrkdwn'; text: string };
type SectionBlock = { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] };
export type Block = { type: 'header'; text: PlainText } | SectionBlock | { type: 'context'; elements: Mrkdwn[] };

export interface SlackMessage {
  /** Shown in notifications and by clients without Block Kit. */
  text: string;
  blocks: Block[];
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true } };
}

/** A section needs text, fields or both; an empty one is dropped when the message is assembled. */
export function section(text: string, fields: string[] = []): Block {
  const block: SectionBlock = { type: 'section' };
  if (text.trim()) block.text = mrkdwn(text, SLACK_LIMITS.sectionText);
  if (fields.length) block.fields = fields.slice(0, SLACK_LIMITS.fields).map((field) => mrkdwn(field, SLACK_LIMITS.fieldText));
  return block;
}

export function context(parts: string[]): Block {
  return { type: 'context', elements: parts.slice(0, SLACK_LIMITS.contextElements).map((part) => mrkdwn(part, SLACK_LIMITS.sectionText)) };
}

/** Assembles a message, dropping and shortening blocks until Slack will take it. */
export function slackMessage(text: string, blocks: Block[]): SlackMessage {
  const kept = blocks.filter((block) => block.type !== 'section' || block.text || block.fields);
  if (kept.length > SLACK_LIMITS.blocks) {
    const hidden = kept.length - SLACK_LIMITS.blocks + 1;
    kept.splice(SLACK_LIMITS.blocks - 1, hidden, context([`…and ${hidden} more`]));
  }
  // Shorten the longest text until the whole fits (the phase list is the one that grows), and
  // should that not do, drop blocks from the end.
  const tooLong = (): boolean => JSON.stringify(kept).length > SLACK_LIMITS.blocksChars;
  for (let longest = longestText(kept); tooLong() && longest && longest.text.length > 200; longest = longestText(kept)) {
    longest.text = truncate(longest.text, Math.floor(longest.text.length / 2));
  }
  while (tooLong() && kept.length > 1) kept.pop();
  return { text: truncate(text, SLACK_LIMITS.fallbackText), blocks: kept };
}

/**
 * Joins lines up to `max` characters; what does not fit is replaced by `overflow(hiddenCount)`.
 * Lines are kept whole so that a link or code span is never cut in half.
 */
export function fitLines(lines: readonly string[], max: number, overflow: (hidden: number) => string): string {
  const all = lines.join('\n');
  if (all.length <= max) return all;
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const tail = overflow(lines.length - index).length + 1;
    if (used + line.length + 1 + tail > max) break;
    kept.push(line);
    used += line.length + 1;
  }
  return [...kept, overflow(lines.length - kept.length)].join('\n');
}

/**
 * Slack mrkdwn treats &, < and > as markup (links, mentions); text from commands and checks must show
 * as written. `* _ ~` and backticks have no escape in mrkdwn: where one could open or close emphasis or
 * code (not between two letters or digits, as in `http_requests_total`), zero-width spaces around it
 * keep Slack from pairing it.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (mark, at: number, all: string) =>
      /[\p{L}\p{N}]/u.test(all[at - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[at + 1] ?? '') ? mark : `\u200B${mark}\u200B`,
    );
}

/** Inline code for a value: a backtick in it would close the span, so it shows as a look-alike (ˋ). */
export function mrkdwnCode(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, 'ˋ'))}\``;
}

export function link(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label)}>`;
}

function longestText(blocks: Block[]): Mrkdwn | undefined {
  const texts = blocks.flatMap((block) =>
    block.type === 'section'
      ? [...(block.text ? [block.text] : []), ...(block.fields ?? [])]
      : block.type === 'context'
        ? block.elements
        : [],
  );
  return texts.reduce<Mrkdwn | undefined>((longest, text) => (text.text.length > (longest?.text.length ?? 0) ? text : longest), undefined);
}

function mrkdwn(text: string, max: number): Mrkdwn {
  return { type: 'mrkdwn', text: truncate(text, max) };
}
