import { expandTemplate, TemplateError } from '../util/template';

type Expand = (text: string, scope: Readonly<Record<string, string | undefined>>) => string;

/**
 * Expands a `${NAME}` check field (with `expand`'s rules: a URL's values are checked by expandUrl).
 * A field left at a `${VAR}` default gets a message that says how to supply it, since the user never
 * wrote that variable themselves.
 */
export function expandField(
  field: string,
  value: string,
  defaultValue: string | undefined,
  env: Readonly<Record<string, string>>,
  expand: Expand = expandTemplate,
): string {
  try {
    return expand(value, env);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw new Error(`${field}: ${(error as Error).message}`);
    if (value === defaultValue) {
      throw new Error(
        `${field} is not set and defaults to ${value}, which is not a launch variable` +
          ` (set ${field}, or ${error.missing.join(', ')} in launch.vars or the vars input)`,
      );
    }
    throw new Error(`${field}: ${error.message}`);
  }
}
