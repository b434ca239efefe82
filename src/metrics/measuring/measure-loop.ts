import { setTimeout as delay } from 'node:timers/promises';
import type { CheckStage } from '../../events/states';
import type { Cadence } from '../definition/schema';
import type { Measure, Measurement } from './measurement';

export interface LoopOptions {
  stage: CheckStage;
  signal: AbortSignal;
  /** For watches: settles when the phase's command finished; the bake time starts then. */
  commandDone: Promise<void>;
  onMeasurement(measurement: Measurement): void;
}

export interface LoopOutcome {
  passed: boolean;
  message: string;
  last?: Measurement;
}

interface Tally {
  taken: number;
  pass: number;
  fail: number;
  inconclusive: number;
  errors: number;
  consecutiveErrors: number;
}

function describeTally(tally: Tally): string {
  const parts = (['pass', 'fail', 'inconclusive', 'errors'] as const)
    .filter((key) => tally[key] > 0)
    .map((key) => `${tally[key]} ${key === 'errors' ? 'error' : key}`);
  return `${tally.taken} measurement${tally.taken === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** Sleeps until `until`, or until `early` settles; rejects when `signal` aborts. */
async function sleep(until: number, signal: AbortSignal, early?: Promise<void>): Promise<void> {
  const cancel = new AbortController();
  const timer = delay(Math.max(0, until - Date.now()), undefined, { signal: AbortSignal.any([signal, cancel.signal]) }).catch(
    () => undefined,
  );
  try {
    await Promise.race(early ? [timer, early] : [timer]);
  } finally {
    cancel.abort();
  }
  signal.throwIfAborted();
}

/**
 * Takes measurements at a fixed rate and decides, the way Argo Rollouts' analysis does: fail once
 * failures exceed failure_limit, inconclusive results exceed inconclusive_limit, or errors in a row
 * exceed consecutive_error_limit; pass after `count` measurements. A watch keeps going until the phase
 * command finished and the bake time passed (and at least `count` measurements were taken), and fails
 * the moment a limit is exceeded.
 */
export async function measureLoop(cadence: Cadence, measure: Measure, options: LoopOptions): Promise<LoopOutcome> {
  const { signal, stage } = options;
  const tally: Tally = { taken: 0, pass: 0, fail: 0, inconclusive: 0, errors: 0, consecutiveErrors: 0 };
  let commandFinishedAt: number | undefined;
  const commandFinished = options.commandDone.then(
    () => void (commandFinishedAt = Date.now()),
    () => void (commandFinishedAt = Date.now()),
  );
  const bakeEnd = (): number => (commandFinishedAt === undefined ? Infinity : commandFinishedAt + cadence.bake);
  const done = (): boolean => tally.taken >= cadence.count && (stage !== 'watch' || Date.now() >= bakeEnd());
  const fail = (last: Measurement, why: string): LoopOutcome => ({ passed: false, message: `${last.text} (${why})`, last });

  let last: Measurement | undefined;
  let nextAt = Date.now() + cadence.initial_delay;
  try {
    while (!done()) {
      if (Date.now() < nextAt) {
        const wakeAt = stage === 'watch' ? Math.min(nextAt, bakeEnd()) : nextAt;
        await sleep(wakeAt, signal, stage === 'watch' && commandFinishedAt === undefined ? commandFinished : undefined);
        continue;
      }
      const measurement = await measure(signal);
      last = measurement;
      options.onMeasurement(measurement);
      // Fixed rate: a slow query does not push every later measurement back.
      nextAt = Math.max(nextAt + cadence.interval, Date.now());

      if (measurement.verdict === 'error') {
        tally.errors += 1;
        tally.consecutiveErrors += 1;
        if (measurement.final) return { passed: false, message: measurement.text, last };
        if (tally.consecutiveErrors > cadence.consecutive_error_limit) {
          return fail(
            measurement,
            `${tally.consecutiveErrors} errors in a row, consecutive_error_limit ${cadence.consecutive_error_limit}`,
          );
        }
        continue;
      }
      tally.consecutiveErrors = 0;
      tally.taken += 1;
      tally[measurement.verdict] += 1;
      if (measurement.final) return fail(measurement, 'fails at once');
      if (tally.fail > cadence.failure_limit) return fail(measurement, `${tally.fail} of failure_limit ${cadence.failure_limit}`);
      if (tally.inconclusive > cadence.inconclusive_limit) {
        return fail(measurement, `${tally.inconclusive} inconclusive of inconclusive_limit ${cadence.inconclusive_limit}`);
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
    return {
      passed: false,
      message: `stopped before a verdict (${String(signal.reason ?? 'aborted')}) after ${describeTally(tally)}`,
      last,
    };
  }
  return { passed: true, message: `${last?.text ?? 'no measurement'} (${describeTally(tally)})`, last };
}
