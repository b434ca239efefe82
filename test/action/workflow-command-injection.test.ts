import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../support/run-action';

// Values from inputs, the spec and the event that try to start workflow commands of their own.
const PAYLOADS = [
  '\n::set-output name=pwned::1',
  '\r::save-state name=finished::true',
  '\r\n::add-mask::production',
  '\n::stop-commands::pwned',
  '%0A::error::pwned',
  '\n::warning::pwned',
];
const OUTPUTS = ['status', 'failed-phase', 'tolerated-failures', 'report', 'duration-ms', 'environment-url'];
const OURS = /^::(add-mask|group|endgroup|warning|error|debug)( [^:]*)?::/;

/** Lines of stdout that begin a workflow command the action did not mean to write, and raw CRs. */
function forged(run: ActionRun): string[] {
  const lines = run.stdout.split('\n');
  return [
    ...lines.filter((line) => line.startsWith('::') && !OURS.test(line)),
    ...lines.filter((line) => /^::(warning|error|add-mask)[^:]*::pwned/.test(line) || line === '::add-mask::production'),
    ...(run.stdout.includes('\r') ? ['a raw CR'] : []),
  ];
}

function expectNoEntries(run: ActionRun, finished: boolean): void {
  expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUTS].sort());
  expect(JSON.stringify(run.outputs)).not.toContain('pwned');
  expect(Object.keys(run.state)).not.toContain('pwned');
  expect(run.state.finished === 'true').toBe(finished);
}

describe('outside values cannot begin a workflow command (dist/)', () => {
  it('rejects a line break in a single-line input without echoing it', async () => {
    for (const payload of PAYLOADS.filter((p) => /[\r\n]/.test(p)).slice(0, 3)) {
      const dir = mkdtempSync(join(tmpdir(), 'injection-'));
      writeFileSync(join(dir, 'launch.yml'), 'launch:\n  environment: production\n  phases:\n    - id: deploy\n      run: "true"\n');
      const run = await runAction({
        inputs: { spec: 'launch.yml', 'working-directory': dir, version: `1.4.0${payload}`, environment: `prod${payload}` },
        cwd: dir,
      });
      expect(run.outputs.status).toBe('failed');
      expect(run.stdout).toMatch(/::error::input '(version|environment)': must be a single line/);
      expect(forged(run)).toEqual([]);
      expectNoEntries(run, false);
    }
  });

  it('prints spec names, inputs and event fields with their line breaks folded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'injection-'));
    const names = PAYLOADS.map((payload, index) => JSON.stringify(`phase ${index}${payload}`));
    const spec = [
      'launch:',
      `  environment: ${JSON.stringify(`production${PAYLOADS[0]}`)}`,
      '  phases:',
      ...names
        .map((name, index) => [
          `    - id: p${index}`,
          `      name: ${name}`,
          '      gates:',
          '        - type: command',
          `          name: ${JSON.stringify(`check${PAYLOADS[(index + 1) % PAYLOADS.length]}`)}`,
          '          command: "true"',
          '      run: "true"',
        ])
        .flat(),
    ].join('\n');
    writeFileSync(join(dir, 'launch.yml'), `${spec}\n`);
    writeFileSync(
      join(dir, 'event.json'),
      JSON.stringify({ pull_request: { number: 3, title: `t${PAYLOADS[0]}`, head: { ref: `r${PAYLOADS[1]}` } } }),
    );
    const run = await runAction({
      inputs: {
        spec: 'launch.yml',
        'working-directory': dir,
        version: '1.4.0%0A::set-output name=pwned::1',
        vars: 'NOTE=a%0A::save-state name=pwned::1',
      },
      cwd: dir,
      env: { GITHUB_ACTOR: `octo${PAYLOADS[0]}`, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: join(dir, 'event.json') },
    });
    expect(run.outputs.status, run.stdout).toBe('succeeded');
    // The values were printed, folded onto their line.
    expect(run.stdout).toContain('production\\n::set-output name=pwned::1');
    expect(run.stdout).toContain('::group::▶ phase 1%0D::save-state');
    expect(forged(run)).toEqual([]);
    expectNoEntries(run, true);
  });

  it('prints a plan with names and multi-line commands folded onto their lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'injection-'));
    const spec = [
      'launch:',
      '  phases:',
      ...PAYLOADS.map((payload, index) => [
        `    - id: p${index}`,
        `      name: ${JSON.stringify(`phase ${index}${payload}`)}`,
        `      run: ${JSON.stringify(`echo one${payload}`)}`,
      ]).flat(),
    ].join('\n');
    writeFileSync(join(dir, 'launch.yml'), `${spec}\n`);
    const run = await runAction({ inputs: { spec: 'launch.yml', mode: 'plan', 'working-directory': dir }, cwd: dir });
    expect(run.outputs.status, run.stdout).toBe('planned');
    expect(run.stdout).toContain('phase 1\\r::save-state name=finished::true');
    expect(forged(run)).toEqual([]);
    expectNoEntries(run, false);
  });
});
