/**
 * Bash text a strategy composes from the user's own commands. Context never goes into the text:
 * commands read it from LAUNCH_* variables, so an instance name or version cannot inject anything.
 */

export interface LabelledCommand {
  label: string;
  command: string | undefined;
}

/**
 * Runs the given commands one after another, stopping at the first failure (commands run under
 * `bash -e`). Each gets its own subshell so that an `exit 0` or `cd` in one cannot skip or disturb
 * the next. One-line commands stay on one line for the plan; a command with lines or a `#` (a
 * comment would swallow the closing parenthesis) gets the parentheses on lines of their own. A
 * lone command is returned untouched so the plan shows exactly what the user wrote.
 */
export function inSequence(...steps: LabelledCommand[]): string | undefined {
  const present = steps.filter((step): step is { label: string; command: string } => step.command !== undefined);
  if (present.length <= 1) return present[0]?.command;
  if (present.every((step) => !/[\n#]/.test(step.command))) return present.map((step) => `(${step.command})`).join('; ');
  return present.map((step) => `# ${step.label}\n(\n${step.command}\n)`).join('\n');
}

/**
 * The command with one LAUNCH_* variable rebound first: a rollback runs with its phase's
 * environment, so "set the weight back to 0" is the set-weight command with LAUNCH_WEIGHT=0.
 * `shellValue` is launch-action's own text (a number, or another variable's `"$NAME"`), never user input.
 */
export function withVariable(name: string, shellValue: string, command: string): string {
  return `export ${name}=${shellValue}; ${command}`;
}

/** Waits `ms` (whole or fractional seconds; GNU and BSD sleep both take decimals). */
export function sleepCommand(ms: number): string {
  return `sleep ${+(ms / 1000).toFixed(3)}`;
}
