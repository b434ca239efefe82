import { expandTemplate, TemplateError } from '../spec/template';

/**
 * Expands a `${NAME}` check field. A field left at a `${VAR}` default gets a message that says how to
 * supply it, since the user never wrote that variable themselves.
 */
export function expandField(field: string, value: string, defaultValue: string | undefined, env: Readonly<Record<string, string>>): string {
  try {
    return expandTemplate(value, env);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    if (value === defaultValue) {
      throw new Error(`${field} is not set and defaults to ${value}, which is not a launch variable (set ${field}, or ${error.missing.join(", ")} in launch.vars or the vars input)`);
    }
    throw new Error(`${field}: ${error.message}`);
  }
}
