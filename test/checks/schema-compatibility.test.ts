import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaCompatibilityCheck } from '../../src/checks/schema-compatibility';
import { checkContext, planCheck, runCheck } from '../support/check-context';

const bin = mkdtempSync(join(tmpdir(), 'bin-'));
writeFileSync(join(bin, 'atlas_check'), '#!/bin/sh\nexit 0\n');
chmodSync(join(bin, 'atlas_check'), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

const problems = (command: string | undefined, env: Record<string, string> = {}): string[] =>
  planCheck(schemaCompatibilityCheck, command === undefined ? {} : { command }, checkContext({ env })).problems;

describe('schema_compatibility plan', () => {
  it('says when the command is not on PATH (the default one, typically)', () => {
    expect(problems(undefined)).toEqual([
      "command 'check_schema_compatibility' not found on PATH (install it, or set command: to your migration tool's check)",
    ]);
    expect(problems('FLYWAY_URL=jdbc:x no_such_tool_0815 validate')).toEqual([
      expect.stringContaining("command 'no_such_tool_0815' not found on PATH"),
    ]);
  });

  it('finds programs on the launch PATH, builtins and keywords, and leaves paths and expansions to the run', () => {
    expect(problems('atlas_check --dev-url x')).toHaveLength(1);
    expect(problems('atlas_check --dev-url x', { PATH: `${bin}:${process.env.PATH}` })).toEqual([]);
    for (const command of ['ls -l', 'true', 'if true; then exit 0; fi', './scripts/check.sh', '"$TOOL" check', 'DEBUG=1 ls']) {
      expect(problems(command), command).toEqual([]);
    }
  });

  it('still passes its requirements to the command as LAUNCH_CHECK_* variables', async () => {
    const outcome = await runCheck(schemaCompatibilityCheck, {
      command: 'test "$LAUNCH_CHECK_BACKWARD_COMPATIBLE/$LAUNCH_CHECK_FORWARD_COMPATIBLE" = true/false',
    });
    expect(outcome.passed).toBe(true);
  });
});
