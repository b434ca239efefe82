import { spawnSync } from 'node:child_process';

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** A name bash would look up as is: no quotes, expansions, redirections or slashes (paths are left alone). */
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+:@-]*$/;

/**
 * The command a bash command line starts with (after any `NAME=value` prefixes) when bash would not
 * find it: not a builtin, keyword or program on PATH. Undefined when it is found, or when the first
 * word is a path or not a plain name, which only running the command can settle.
 */
export function missingCommand(command: string, env: Readonly<Record<string, string>>, cwd: string): string | undefined {
  const name = command
    .trim()
    .split(/\s+/)
    .find((word) => !ASSIGNMENT.test(word));
  if (!name || !PLAIN_NAME.test(name)) return undefined;
  // Asking bash itself keeps its own rules for builtins, keywords and PATH search.
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', 'type -t -- "$1" >/dev/null', 'bash', name], {
    env: { ...process.env, ...env },
    cwd,
    stdio: 'ignore',
    timeout: 5000,
  });
  if (result.error || result.status === null) return undefined;
  return result.status === 0 ? undefined : name;
}
