import { describe, expect, it } from 'vitest';
import { measureLoop } from '../../../src/metrics/measuring/measure-loop';
import { withDeadline, type Measurement } from '../../../src/metrics/measuring/measurement';
import { cadenceSchema } from '../../../src/metrics/definition/schema';
import type { CheckStage } from '../../../src/events/states';

const m = (verdict: Measurement['verdict'], extra: Partial<Measurement> = {}): Measurement => ({
  verdict,
  value: verdict === 'error' ? null : 1,
  text: `m ${verdict}`,
  ...extra,
});

/** Runs the loop over a script of measurements (the last one repeats), recording what it took. */
async function run(
  script: Measurement[],
  cadence: Record<string, unknown>,
  stage: CheckStage = 'gate',
  extra: { commandDone?: Promise<void>; signal?: AbortSignal } = {},
) {
  const taken: Measurement[] = [];
  const outcome = await measureLoop(
    cadenceSchema.parse({ interval: 5, ...cadence }),
    async () => script[Math.min(taken.length, script.length - 1)]!,
    {
      stage,
      signal: extra.signal ?? new AbortController().signal,
      commandDone: extra.commandDone ?? Promise.resolve(),
      onMeasurement: (x) => taken.push(x),
    },
  );
  return { outcome, taken };
}

describe('measureLoop', () => {
  it('documented defaults: one measurement, no failure or inconclusive tolerated, 4 errors in a row', () => {
    expect(cadenceSchema.parse({})).toEqual({
      interval: 10_000,
      count: 1,
      initial_delay: 0,
      failure_limit: 0,
      inconclusive_limit: 0,
      consecutive_error_limit: 4,
      no_data: 'inconclusive',
      bake: 0,
    });
  });

  it('passes after count measurements', async () => {
    const { outcome, taken } = await run([m('pass')], { count: 3 });
    expect(outcome.passed).toBe(true);
    expect(taken).toHaveLength(3);
    expect(outcome.message).toBe('m pass (3 measurements: 3 pass)');
  });

  it('fails once failures exceed failure_limit, saying the count against the limit', async () => {
    const { outcome, taken } = await run([m('fail'), m('pass'), m('fail'), m('fail')], { count: 10, failure_limit: 2 });
    expect(outcome.passed).toBe(false);
    expect(taken).toHaveLength(4);
    expect(outcome.message).toBe('m fail (3 of failure_limit 2)');
  });

  it('tolerates failures within the limit', async () => {
    const { outcome } = await run([m('fail'), m('pass')], { count: 3, failure_limit: 1 });
    expect(outcome.passed).toBe(true);
    expect(outcome.message).toMatch(/2 pass, 1 fail/);
  });

  it('fails once inconclusive measurements exceed inconclusive_limit', async () => {
    const { outcome } = await run([m('inconclusive')], { count: 5, inconclusive_limit: 1 });
    expect(outcome).toMatchObject({ passed: false, message: 'm inconclusive (2 inconclusive of inconclusive_limit 1)' });
  });

  it('counts errors apart from measurements and fails past consecutive_error_limit', async () => {
    const { outcome, taken } = await run([m('error')], { count: 1, consecutive_error_limit: 2 });
    expect(outcome).toMatchObject({ passed: false, message: 'm error (3 errors in a row, consecutive_error_limit 2)' });
    expect(taken).toHaveLength(3);
    const recovered = await run([m('error'), m('error'), m('pass')], { count: 1, consecutive_error_limit: 2 });
    expect(recovered.outcome.passed).toBe(true);
    expect(recovered.outcome.message).toMatch(/1 measurement: 1 pass, 2 error/);
  });

  it('stops at once on a final measurement (configuration error, immediate breach)', async () => {
    const config = await run([m('error', { final: true, text: 'x: configuration error: 401' })], { count: 5 });
    expect(config.outcome).toMatchObject({ passed: false, message: 'x: configuration error: 401' });
    expect(config.taken).toHaveLength(1);
    const immediate = await run([m('fail', { final: true })], { count: 5, failure_limit: 10 });
    expect(immediate.outcome).toMatchObject({ passed: false, message: 'm fail (fails at once)' });
  });

  it('waits initial_delay and keeps a fixed interval', async () => {
    const started = Date.now();
    const { taken } = await run([m('pass')], { count: 3, interval: 40, initial_delay: 50 });
    expect(taken).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 + 2 * 40 - 5);
  });

  it('a watch measures until the command is done and the bake has passed', async () => {
    let finish!: () => void;
    const commandDone = new Promise<void>((resolve) => (finish = resolve));
    const taken: Measurement[] = [];
    const pending = measureLoop(cadenceSchema.parse({ interval: 10, bake: 60 }), async () => m('pass'), {
      stage: 'watch',
      signal: new AbortController().signal,
      commandDone,
      onMeasurement: (x) => {
        taken.push(x);
        if (taken.length === 5) finish();
      },
    });
    const outcome = await pending;
    expect(outcome.passed).toBe(true);
    // Five while the command ran, then about 60 ms of bake at 10 ms.
    expect(taken.length).toBeGreaterThanOrEqual(9);
  });

  it('a watch fails the moment a limit is exceeded, even before the command is done', async () => {
    const never = new Promise<void>(() => undefined);
    const { outcome, taken } = await run([m('pass'), m('pass'), m('fail')], {}, 'watch', { commandDone: never });
    expect(outcome.passed).toBe(false);
    expect(taken).toHaveLength(3);
  });

  it('a watch with no bake ends as soon as its command is done and count is reached', async () => {
    const { outcome, taken } = await run([m('pass')], { interval: 60_000 }, 'watch');
    expect(outcome.passed).toBe(true);
    expect(taken).toHaveLength(1);
  });

  it('stops promptly when aborted, never as a pass', async () => {
    const controller = new AbortController();
    const never = new Promise<void>(() => undefined);
    const pending = run([m('pass')], { interval: 60_000 }, 'watch', { commandDone: never, signal: controller.signal });
    setImmediate(() => controller.abort('phase timed out'));
    const { outcome } = await pending;
    expect(outcome.passed).toBe(false);
    expect(outcome.message).toMatch(/stopped before a verdict \(phase timed out\) after 1 measurement: 1 pass/);
  });
});

describe('withDeadline', () => {
  /** A measurement whose requests never answer: it ends only when its signal aborts. */
  const hanging = (signal: AbortSignal) =>
    new Promise<Measurement>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

  it('makes a measurement past its deadline a provider error (not final) and aborts its requests', async () => {
    let seen: AbortSignal | undefined;
    const measure = withDeadline((signal) => hanging((seen = signal)), 50, 'error_rate');
    expect(await measure(new AbortController().signal)).toEqual({
      verdict: 'error',
      value: null,
      text: 'error_rate: provider error: no reading within the measurement deadline of 50ms (tries included)',
    });
    expect(seen!.aborted).toBe(true);
  });

  it("lets the check's own abort through, so the loop says it stopped rather than counting an error", async () => {
    const controller = new AbortController();
    const pending = measureLoop(cadenceSchema.parse({}), withDeadline(hanging, 60_000, 'error_rate'), {
      stage: 'gate',
      signal: controller.signal,
      commandDone: Promise.resolve(),
      onMeasurement: () => undefined,
    });
    setImmediate(() => controller.abort('phase timed out'));
    const outcome = await pending;
    expect(outcome.message).toBe('stopped before a verdict (phase timed out) after 0 measurements');
  });
});
