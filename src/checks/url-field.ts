import { expandField } from './template-field';
import { expandUrl } from '../metrics/measuring/query-template';

/**
 * A check's URL field, expanded with the web metrics' URL rules (a value cannot add a path segment,
 * userinfo or query: `../../admin` is refused) and required to be http(s).
 */
export function expandHttpUrl(
  field: string,
  value: string,
  defaultValue: string | undefined,
  env: Readonly<Record<string, string>>,
): string {
  const text = expandField(field, value, defaultValue, env, expandUrl);
  requireHttpUrl(field, value, text);
  return text;
}

/** `text` (the expanded form of what the spec wrote as `written`) as an http(s) URL, or a clear error. */
export function requireHttpUrl(field: string, written: string, text: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`${field} '${written}' does not make an http(s) URL (got '${text}')`);
  }
  return url;
}
