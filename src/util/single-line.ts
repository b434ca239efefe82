/**
 * Folds a line the action prints onto one line: a CR or LF from an outside value (an input, the spec,
 * a provider, a deployment's version) would otherwise start a new log line, which the runner reads as
 * a workflow command if it begins with `::`. Shown escaped, so the value stays readable.
 */
export function singleLine(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}
