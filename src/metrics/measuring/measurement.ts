import { formatDuration } from '../../util/duration';
import { ProviderError } from '../providers/provider';

/** One reading judged: what a check's measure loop counts. */
export interface Measurement {
  verdict: 'pass' | 'fail' | 'inconclusive' | 'error';
  value: number | null;
  /** Says what was measured against what: "error_rate = 0.083 breached max 0.02". */
  text: string;
  /** Decide now: a baseline ratio above immediate_ratio, or a configuration error asking again will not fix. */
  final?: boolean;
}

/** Takes one measurement; the loop calls it every interval. */
export type Measure = (signal: AbortSignal) => Promise<Measurement>;

/**
 * A provider failure as a measurement: an error, never a pass. A configuration error (401, rejected
 * query, several series) is final because asking again gives the same answer.
 */
export function errorMeasurement(metric: string, error: unknown): Measurement {
  if (!(error instanceof ProviderError)) throw error;
  const config = error.kind === 'config';
  return {
    verdict: 'error',
    value: null,
    final: config,
    text: `${metric}: ${config ? 'configuration error' : 'provider error'}: ${error.message}`,
  };
}

/**
 * Bounds one measurement — queueing for a connection, every try and every wait between tries — by
 * `ms`, so that a slow provider cannot stretch a check to tries × timeout per measurement. Past it
 * the measurement is a provider error (it counts against consecutive_error_limit) and its requests
 * are aborted. The check's own abort still ends it as before.
 */
export function withDeadline(measure: Measure, ms: number, metric: string): Measure {
  return async (signal) => {
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<Measurement>((resolve) => {
      timer = setTimeout(() => {
        // Settled before the abort, so the race cannot be won by the aborted requests' errors.
        resolve({
          verdict: 'error',
          value: null,
          text: `${metric}: provider error: no reading within the measurement deadline of ${formatDuration(ms)} (tries included)`,
        });
        deadline.abort();
      }, ms);
    });
    try {
      return await Promise.race([measure(AbortSignal.any([signal, deadline.signal])), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
