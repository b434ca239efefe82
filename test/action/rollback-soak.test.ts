import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from '../support/run-action';
import { prng } from '../support/prng';

/** Seeded, so a failing launch is reproduced with SOAK_SEED=<seed>. */
const SEED = Number(process.env.SOAK_SEED ?? 20261202);
const LAUNCHES = 20;
const PHASES = ['a', 'b', 'c'];

interface Scenario {
  index: number;
  runSeconds: number[];
  rollbackSeconds: number[];
  lastFails: boolean;
  interruptAfterMs: number;
  interruptWith: 'cancel' | 'kill';
}

const random = prng(SEED);
const scenarios: Scenario[] = Array.from({ length: LAUNCHES }, (_, index) => ({
  index,
  runSeconds: PHASES.map(() => 0.05 + Math.round(random() * 25) / 100),
  rollbackSeconds: PHASES.map(() => 0.05 + Math.round(random() * 25) / 100),
  lastFails: random() < 0.5,
  interruptAfterMs: Math.round(150 + random() * 1400),
  interruptWith: random() < 0.5 ? 'cancel' : 'kill',
}));

function spec(s: Scenario): string {
  const phases = PHASES.map((id, i) => {
    const fail = s.lastFails && i === PHASES.length - 1 ? '; exit 1' : '';
    return `
    - id: ${id}
      run: echo "run-start ${id}" >> events.log; sleep ${s.runSeconds[i]}; echo "run-end ${id}" >> events.log${fail}
      rollback: echo "rollback-start ${id}" >> events.log; sleep ${s.rollbackSeconds[i]}; echo "rollback-end ${id}" >> events.log`;
  });
  return `launch:\n  kill_grace: 1s\n  phases:${phases.join('')}\n`;
}

describe.concurrent(`soak: launches interrupted at random moments, then the post step (seed ${SEED})`, () => {
  it.each(scenarios)(
    'launch $index: interrupted ($interruptWith) after $interruptAfterMs ms',
    async (s) => {
      const dir = mkdtempSync(join(tmpdir(), 'launch-action-soak-'));
      writeFileSync(join(dir, 'launch.yml'), spec(s));
      const inputs = { spec: 'launch.yml', 'working-directory': dir };
      const main = await runAction({ inputs, cwd: dir, cancelAfterMs: s.interruptAfterMs, interruptWith: s.interruptWith });
      await runAction({ inputs, cwd: dir, state: main.state });
      const log = existsSync(join(dir, 'events.log')) ? readFileSync(join(dir, 'events.log'), 'utf8').trim().split('\n') : [];
      const events = log.map((line) => line.split(' ') as [string, string]);
      const journaled = PHASES.filter((_, i) => main.state[`started-${i}`] !== undefined).map((_, i) => main.state[`started-${i}`]!);
      const of = (kind: string) => events.filter(([event]) => event === kind).map(([, id]) => id);

      // Only journaled phases ran; unless the launch succeeded before the interruption, each of them was
      // undone exactly once, in reverse order; nothing else was.
      const succeeded = main.state.finished === 'true' && !s.lastFails;
      const undone = succeeded ? [] : [...journaled].reverse();
      expect(journaled).toEqual(expect.arrayContaining(of('run-start')));
      expect(of('rollback-start')).toEqual(undone);
      expect(of('rollback-end')).toEqual(undone);
      // Never two commands of one phase at a time, never two rollbacks at a time.
      let running: string | undefined;
      for (const [event, id] of events) {
        if (event === 'run-end')
          expect(of('rollback-start').includes(id) && log.indexOf(`rollback-start ${id}`) < log.indexOf(`run-end ${id}`)).toBe(false);
        if (event === 'rollback-start') {
          expect(running).toBeUndefined();
          running = id;
        }
        if (event === 'rollback-end') {
          expect(running).toBe(id);
          running = undefined;
        }
      }
    },
    30_000,
  );
});
