import { describe, expect, it } from 'vitest';
import { unsetVariables } from '../../src/exec/unset-variables';

describe("unsetVariables (the plan's warning for set -u)", () => {
  it('names what a command reads and nothing sets', () => {
    expect(unsetVariables('deploy --image "$IMAGE:${TAG}" --region $REGION', { REGION: 'eu' })).toEqual(['IMAGE', 'TAG']);
  });

  it('leaves out defaults, its own assignments, loops, reads, single-quoted text and what bash sets', () => {
    const command = [
      'X=1; export Y=2; local Z=3',
      'for host in a b; do echo "$host"; done',
      'read -r answer; echo "$answer $X $Y $Z"',
      "echo '$NOT_A_REFERENCE' ${OPTIONAL:-none} ${MAYBE-} $RANDOM $PWD",
    ].join('\n');
    expect(unsetVariables(command, {})).toEqual([]);
  });
});
