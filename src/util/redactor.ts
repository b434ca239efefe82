/**
 * The one place secrets are taken out of what the action writes or sends. Values are redacted raw,
 * before anything escapes or serialises them for Slack, GitHub, markdown or JSON, so the comparison
 * still matches; the encoded forms are matched too, because commands and services print secrets that
 * way (URL-encoded, base64, JSON- or HTML-escaped). A leaf: it imports nothing from the feature folders.
 */

export const REDACTED = '***';

export type Redact = (text: string) => string;

/** Below this length the runner's log masking is unreliable (it may skip or over-match the value). */
export const MIN_MASKABLE_LENGTH = 4;

/** Every form in which a secret can be expected to show up: raw, each line, and each encoding of those. */
export function secretForms(secret: string): string[] {
  const pieces = [secret, ...secret.split(/\r\n|\r|\n/).map((line) => line.trim())].filter(Boolean);
  const forms = pieces.flatMap((piece) => {
    const component = encodeURIComponent(piece);
    // Stricter encoders (Python's quote, curl --data-urlencode) also encode !'()*.
    const strict = component.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const html = piece.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return [
      piece,
      component,
      strict,
      strict.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
      component.replace(/%20/g, '+'),
      strict.replace(/%20/g, '+'),
      Buffer.from(piece, 'utf8').toString('base64'),
      JSON.stringify(piece).slice(1, -1),
      html,
      html.replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      // Markdown escaping: a backslash before each ASCII punctuation character, or only before markup.
      piece.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`),
      piece.replace(/[\\`*_~[\]|<>&]/g, (c) => `\\${c}`),
    ];
  });
  return [...new Set(forms)].filter(Boolean);
}

/**
 * Replaces every form of every secret with `***`, whatever its length: in our own files and messages a
 * short secret is still a secret. Longest forms first, in one pass, so a secret holding another is
 * redacted whole and no placeholder is matched again.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redact {
  const forms = [...new Set(secrets.filter((s): s is string => !!s).flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (!forms.length) return (text) => text;
  const pattern = new RegExp(forms.map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/**
 * A copy of a value with every string in it (keys kept) redacted: for events and reports built from
 * values. Fields named in `keep` are left as they are, at any depth: identifiers and enums the code
 * matches on (a phase id, an event type), which a short secret could otherwise turn into `***`.
 */
export function redactValues<T>(value: T, redact: Redact, keep: ReadonlySet<string> = new Set()): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValues(item, redact, keep)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, keep.has(key) ? item : redactValues(item, redact, keep)]),
    ) as T;
  }
  return value;
}

/**
 * The parts of a URL that are secret on their own: the credentials in it and, for a Slack webhook,
 * the path (`/services/T…/B…/<secret>`), since a command may print any of them separately.
 */
export function urlSecretParts(url: string | undefined, options: { path?: boolean } = {}): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const parts = [parsed.username, parsed.password].filter(Boolean).map(decode);
  if (options.path) {
    const segments = parsed.pathname.split('/').filter(Boolean);
    // The last segment is the secret; the whole path identifies the hook too.
    parts.push(parsed.pathname, ...segments.slice(-1), `${parsed.host}${parsed.pathname}`);
  }
  return parts.filter((part) => part.length > 0 && part !== '/');
}

/** The Authorization value the action builds from a username and password: its base64 is a secret too. */
export function basicCredentials(username: string | undefined, password: string | undefined): string[] {
  if (!username || !password) return [];
  const pair = `${username}:${password}`;
  return [pair, Buffer.from(pair, 'utf8').toString('base64')];
}
