import type { z } from 'zod';
import type { MetricDefinition } from '../definition/schema';

/** What every preset yields: the names rollback_threshold binds (the product brief's). */
export const PRESET_METRICS = ['error_rate', 'latency_p99_ms'] as const;
export type PresetMetrics = Record<(typeof PRESET_METRICS)[number], MetricDefinition>;

/**
 * The standard error-rate and latency queries for one kind of instrumentation. Each lives in its own
 * file and is listed in presets/registry.ts.
 */
export interface MetricPreset<S extends z.ZodObject = z.ZodObject> {
  readonly type: string;
  readonly description: string;
  /** Lazy, as check configs are: a spec without a preset never builds the presets' schemas. */
  readonly config: z.ZodLazy<S>;
  /** The metrics, templates (`${version}`) left for the check to fill in as it does for any query. */
  metrics(config: z.output<S>): PresetMetrics;
}

export function definePreset<S extends z.ZodObject>(preset: MetricPreset<S>): MetricPreset<S> {
  return preset;
}
