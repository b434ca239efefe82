/**
 * Variables a bash command reads that nothing sets: the launch environment, the inherited
 * environment and the command's own assignments are known; `${NAME:-default}` and `${NAME-default}`
 * forms are safe under `set -u`. A heuristic for the plan (it does not run the shell), so it warns
 * and never refuses: a name set by a script the command sources is invisible here.
 */
export function unsetVariables(command: string, known: Readonly<Record<string, string | undefined>>): string[] {
  const assigned = new Set<string>();
  for (const [, name] of command.matchAll(
    /(?:^|[\s;&|(])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=/g,
  ))
    assigned.add(name!);
  for (const [, name] of command.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) assigned.add(name!);
  for (const [, names] of command.matchAll(/\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_ ]*)/g))
    for (const name of names!.split(/\s+/)) if (name) assigned.add(name);
  const unset = new Set<string>();
  // Outside single quotes only: '$X' is text, not a reference.
  const unquoted = command.replace(/'[^']*'/g, "''");
  for (const match of unquoted.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(:?[-=?+])?|([A-Za-z_][A-Za-z0-9_]*))/g)) {
    const name = match[1] ?? match[3]!;
    if (match[2]) continue;
    if (known[name] !== undefined || assigned.has(name) || BASH_SETS.has(name)) continue;
    unset.add(name);
  }
  return [...unset];
}

/** Set by bash itself. */
const BASH_SETS = new Set([
  'BASH',
  'BASHPID',
  'BASH_SOURCE',
  'BASH_VERSION',
  'EUID',
  'HOSTNAME',
  'HOSTTYPE',
  'IFS',
  'LINENO',
  'OLDPWD',
  'OSTYPE',
  'PIPESTATUS',
  'PPID',
  'PWD',
  'RANDOM',
  'SECONDS',
  'SHELLOPTS',
  'SHLVL',
  'UID',
  'REPLY',
  'FUNCNAME',
  'EPOCHSECONDS',
  'EPOCHREALTIME',
  'SRANDOM',
  'MACHTYPE',
  'OPTIND',
  'OPTARG',
  'BASHOPTS',
  'GROUPS',
  'HISTCMD',
  'COLUMNS',
  'LINES',
]);
