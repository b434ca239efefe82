import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The rows of local-action's "Action Outputs" table: name → value. */
function reportedOutputs(stdout: string): Record<string, string> {
  const table = stdout.slice(stdout.lastIndexOf('Action Outputs'));
  return Object.fromEntries([...table.matchAll(/│ \d+\s+│ '([^']+)'\s+│ '([^']*)'\s+│/g)].map((m) => [m[1]!, m[2]!]));
}

describe('GitHub’s @github/local-action runs the action from source (src/main.ts, src/post.ts)', () => {
  it('a phase whose verify fails: the launch rolls back and reports status and failed phase as outputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-action-'));
    writeFileSync(
      join(dir, 'launch.yml'),
      'launch:\n  phases:\n    - id: deploy\n      run: "true"\n      rollback: "true"\n' +
        '    - id: health\n      run: "true"\n      rollback: "true"\n      verify:\n        - type: command\n          command: "false"\n',
    );
    writeFileSync(join(dir, '.env'), `INPUT_SPEC=launch.yml\nINPUT_WORKING-DIRECTORY=${dir}\nRUNNER_TEMP=${dir}\n`);
    const stdout = execFileSync('npx', ['local-action', 'run', '.', 'src/main.ts', join(dir, '.env'), '--post', 'src/post.ts'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(stdout).toContain('↩ deploy rolled back');
    expect(reportedOutputs(stdout)).toMatchObject({ status: 'rolled_back', 'failed-phase': 'health' });
  }, 150_000);
});
