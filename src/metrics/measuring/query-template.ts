import { TemplateError } from '../../util/template';
import { isAbsoluteUrl } from '../../http/base-url';

/**
 * `${NAME}` expansion for text that a backend parses: PromQL, Datadog queries, a web metric's URL and
 * body. Values often come from event data (a branch name, a PR title), so each one may only bring
 * characters that cannot change the structure around it — `2.0"}) or vector(0` must not turn an
 * error rate into a constant. What is safe depends on where the placeholder stands; any other value
 * is refused (fail closed), naming the variable and the refused characters but never the value,
 * which may be a secret.
 */

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/y;

interface Rule {
  allowed: RegExp;
  /** The allowed characters in words, for the message. */
  shown: string;
}

/** Inside a quoted string or a `{…}` label or tag filter nothing here can close it or add a matcher. */
const ENCLOSED: Rule = { allowed: /^[A-Za-z0-9._:/@+-]+$/, shown: 'letters, digits and . _ : / @ + -' };
/** A regex matcher (`=~"…"`) where `+` would repeat: `.+` would match every version. */
const REGEX: Rule = { allowed: /^[A-Za-z0-9._:/@-]+$/, shown: 'letters, digits and . _ : / @ -' };
/** Outside strings and filters `+ - / @ :` are operators and modifiers (`x > ${limit}`, `[${window}]`). */
const BARE: Rule = { allowed: /^[A-Za-z0-9._]+$/, shown: 'letters, digits, . and _' };
/** A variable holding the whole base URL (`${BASE_URL}/health`): it names the server, as base_url does. */
const URL_BASE: Rule = ENCLOSED;
/**
 * A variable that is the whole authority (`http://${LAUNCH_INSTANCE}/health`) names a host and port:
 * no `/`, `@`, `?` or `#`, so it cannot reach the path or add userinfo. Braces stand for what a plan
 * cannot know yet (`{instance}`).
 */
const URL_HOST: Rule = { allowed: /^[A-Za-z0-9._:[\]{}-]+$/, shown: 'letters, digits and . _ - : [ ] { }' };
const BEFORE_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/$/i;
const AFTER_AUTHORITY = /^(?:[/?#]|$)/;
/** Elsewhere in a URL a value must not add a path segment, userinfo, port, query or fragment. */
const URL_PART: Rule = { allowed: /^[A-Za-z0-9._-]+$/, shown: 'letters, digits and . _ -' };

/** A value refused by the rule for where it stands. */
export class UnsafeValueError extends Error {}

function describeRefusal(name: string, value: string, rule: Rule, template: string): string | undefined {
  const where = `\${${name}} in ${JSON.stringify(template)}`;
  if (!value) return `${where} is empty, and an empty value changes what a query matches (version="" selects series without a version)`;
  if (rule === URL_PART && /^\.+$/.test(value)) return `${where} is only dots, which would walk up the URL path`;
  if (rule.allowed.test(value)) return undefined;
  const bad = [...new Set([...value].filter((char) => !rule.allowed.test(char)))];
  const shownBad =
    bad
      .slice(0, 5)
      .map((char) => JSON.stringify(char))
      .join(', ') + (bad.length > 5 ? ', …' : '');
  // The value may be a secret: only its length and the refused characters are shown.
  return (
    `${where} has a value (${value.length} characters, not shown) containing ${shownBad}` +
    `, which could change the query; a value here may hold only ${rule.shown}`
  );
}

/**
 * Walks the template once, filling each placeholder with its value after `ruleAt` approved it.
 * Unknown names throw a TemplateError (as everywhere else); refused values an UnsafeValueError.
 */
function expandChecked(
  template: string,
  scope: Readonly<Record<string, string | undefined>>,
  ruleAt: (offset: number, value: string) => Rule,
  onText: (char: string, offset: number) => void = () => undefined,
): string {
  const missing: string[] = [];
  const refused: string[] = [];
  let out = '';
  for (let at = 0; at < template.length;) {
    PLACEHOLDER.lastIndex = at;
    const match = PLACEHOLDER.exec(template);
    if (!match) {
      onText(template[at]!, at);
      out += template[at];
      at += 1;
      continue;
    }
    const name = match[1]!;
    const value = scope[name];
    if (value === undefined) missing.push(name);
    else {
      const refusal = describeRefusal(name, value, ruleAt(at, value), template);
      if (refusal) refused.push(refusal);
    }
    out += value ?? match[0];
    at += match[0].length;
  }
  if (missing.length) throw new TemplateError(missing, template);
  if (refused.length) throw new UnsafeValueError(refused.join('; '));
  return out;
}

/** Fills a query or body: the rule for each value follows the quotes and braces around it. */
export function expandQuery(template: string, scope: Readonly<Record<string, string | undefined>>): string {
  let quote: string | undefined;
  let regex = false;
  let escaped = false;
  let depth = 0;
  const track = (char: string, offset: number): void => {
    if (quote) {
      // Backquoted PromQL strings are raw; in the others a backslash escapes the next character.
      if (escaped) escaped = false;
      else if (char === '\\' && quote !== '`') escaped = true;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'" || char === '`') {
      quote = char;
      regex = /[=!]~\s*$/.test(template.slice(0, offset));
    } else if (char === '{') depth += 1;
    else if (char === '}') depth = Math.max(0, depth - 1);
  };
  return expandChecked(template, scope, () => (quote ? (regex ? REGEX : ENCLOSED) : depth ? ENCLOSED : BARE), track);
}

/**
 * Fills a URL (a web metric's, an http_status endpoint): a variable may hold the whole base URL at its
 * start, a host and port as the whole authority, and elsewhere only a plain segment.
 */
export function expandUrl(template: string, scope: Readonly<Record<string, string | undefined>>): string {
  return expandChecked(template, scope, (offset, value) => {
    if (offset === 0 && isAbsoluteUrl(value)) return URL_BASE;
    const end = template.indexOf('}', offset) + 1;
    return BEFORE_AUTHORITY.test(template.slice(0, offset)) && AFTER_AUTHORITY.test(template.slice(end)) ? URL_HOST : URL_PART;
  });
}
