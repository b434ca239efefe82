/**
 * Replaces secret values with `***` in text we write ourselves (summary, report, messages): the
 * runner's own masking covers only the log, not files or what is sent elsewhere.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  // Very short values would blank out ordinary words; the runner does not mask those either.
  const values = [...new Set(secrets.filter((s): s is string => !!s && s.length >= 4))].sort((a, b) => b.length - a.length);
  if (!values.length) return (text) => text;
  return (text) => values.reduce((out, value) => out.split(value).join('***'), text);
}
