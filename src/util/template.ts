/**
 * `${NAME}` templating for check and metric configuration (never for shell commands: those get
 * environment variables and let bash expand them). Names resolve against a flat scope.
 */
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/g;

export class TemplateError extends Error {
  constructor(
    readonly missing: string[],
    text: string,
  ) {
    super(`unknown variable${missing.length > 1 ? 's' : ''} ${missing.map((m) => '${' + m + '}').join(', ')} in ${JSON.stringify(text)}`);
  }
}

export function expandTemplate(text: string, scope: Readonly<Record<string, string | undefined>>): string {
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = scope[name];
    if (value === undefined) missing.push(name);
    return value ?? whole;
  });
  if (missing.length) throw new TemplateError(missing, text);
  return out;
}

/** Expands every string inside a JSON-like value. */
export function expandDeep<T>(value: T, scope: Readonly<Record<string, string | undefined>>): T {
  if (typeof value === 'string') return expandTemplate(value, scope) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((item) => expandDeep(item, scope)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, expandDeep(v, scope)])) as T;
  }
  return value;
}
