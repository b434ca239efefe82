/**
 * GitHub-flavoured markdown for values from outside (names, versions, messages) in the job summary
 * and the PR comment: they show as written and cannot open emphasis, code, links, HTML, mentions or
 * a new table cell or line.
 */
export function markdownText(text: string): string {
  return (
    foldLines(text)
      // `***` alone is the redaction placeholder, kept readable; flanked by spaces or line ends it stays literal.
      .replace(/(?<!\*)\*\*\*(?!\*)|[\\`*~[\]|]/g, (mark) => (mark === '***' ? mark : `\\${mark}`))
      // `_` between letters or digits (`channel_not_found`) never opens emphasis in GFM: left as it is.
      .replace(/_/g, (mark, at: number, all: string) =>
        /[\p{L}\p{N}]/u.test(all[at - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[at + 1] ?? '') ? mark : '\\_',
      )
      // Only where they could start an entity or an HTML tag, autolink or comment: `p99 < 0.05` reads as written.
      .replace(/&(?=[A-Za-z#])/g, '&amp;')
      .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
      // A zero-width space after `@` keeps a value from mentioning (and notifying) someone.
      .replace(/@(?=[\w-])/g, '@\u200B')
  );
}

/**
 * A code span that holds any value: its fence is longer than any run of backticks inside. Pipes stay
 * escaped because GFM splits table cells on them even in code.
 */
export function codeSpan(text: string): string {
  const value = foldLines(text).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^`|`$/.test(value) ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

function foldLines(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}
