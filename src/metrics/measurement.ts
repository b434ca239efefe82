import { ProviderError } from './providers/provider';
import type { Measurement } from './measure-loop';

/**
 * A provider failure as a measurement: an error, never a pass. A configuration error (401, rejected
 * query, several series) is final because asking again gives the same answer.
 */
export function errorMeasurement(metric: string, error: unknown): Measurement {
  if (!(error instanceof ProviderError)) throw error;
  const config = error.kind === 'config';
  return { verdict: 'error', value: null, final: config, text: `${metric}: ${config ? 'configuration error' : 'provider error'}: ${error.message}` };
}
