import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A workspace with a spec file and a log that every command appends to, in order. */
export function workspace(spec: string): { dir: string; log: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'launch-action-ws-'));
  writeFileSync(join(dir, 'launch.yml'), spec);
  const logFile = join(dir, 'commands.log');
  return { dir, log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : []) };
}

/** A phase (spec YAML) whose run and rollback log themselves to commands.log before `run`. */
export const phase = (id: string, run: string, extra = '') => `
    - id: ${id}
      run: echo "run ${id}" >> commands.log; ${run}
      rollback: echo "rollback ${id}" >> commands.log${extra}`;
