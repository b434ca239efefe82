/**
 * Workflow commands a phase command must not issue through the action's log: they would change the
 * action's saved state or outputs (and so what the post step does), or stop command processing for
 * the rest of the step. Annotations, groups and `::add-mask::` pass through.
 */
const BLOCKED = new Set(['save-state', 'set-output', 'stop-commands', 'set-env', 'add-path']);

/** `::name ...::` (v2) and `##[name ...]` (v1); the runner ignores leading whitespace. */
const COMMAND = /^\s*(?:::([A-Za-z-]+)[\s:]|##\[([A-Za-z-]+)[\s\];])/;

/** The line as the log may show it: a blocked command gets a prefix, so the runner does not act on it. */
export function neutraliseCommandLine(line: string): string {
  const match = COMMAND.exec(line);
  const name = (match?.[1] ?? match?.[2])?.toLowerCase();
  return name && BLOCKED.has(name) ? `[command output] ${line}` : line;
}
