import type { z } from 'zod';
import { findProviderKind, type ProviderName } from '../providers/registry';
import { hasLimits } from '../verdicts/value-verdict';
import {
  cadenceSchema,
  resolvedMetricSchema,
  type Cadence,
  type Judge,
  type MetricCheckConfig,
  type MetricDefinition,
  type MetricRequest,
  type ResolvedMetric,
} from './schema';

/** A metric check that cannot run as written: an unknown metric name, a missing query... */
export class MetricConfigError extends Error {}

export type ResolvedCheck =
  | { mode: 'value'; metric: ResolvedMetric; cadence: Cadence }
  | { mode: 'judge'; metrics: ResolvedMetric[]; judge: Judge; cadence: Cadence };

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/** What a check may lay over a named metric: any metric field, of any provider's (checked once merged). */
type MetricOverrides = Omit<MetricCheckConfig, 'metric' | 'judge'>;

/** A named metric with a check's fields laid over it (field by field), defaults filled in. */
export function resolveMetric(name: string, definition: MetricDefinition | undefined, overrides: MetricOverrides): ResolvedMetric {
  const parsed = resolvedMetricSchema.safeParse({ ...definition, ...definedOnly(overrides), name });
  if (!parsed.success) throw new MetricConfigError(`metric ${name}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function lookup(metrics: Readonly<Record<string, MetricDefinition>>, name: string): MetricDefinition {
  const definition = metrics[name];
  if (definition) return definition;
  const known = Object.keys(metrics);
  throw new MetricConfigError(`no metric named ${name} in launch.metrics${known.length ? ` (known: ${known.join(', ')})` : ''}`);
}

/**
 * What a metric check measures: one metric (named, inline, or named with overrides) judged value by
 * value, or a canary judgement over several named metrics. `fallbackName` names an inline metric.
 */
export function resolveCheck(
  config: MetricCheckConfig,
  metrics: Readonly<Record<string, MetricDefinition>>,
  fallbackName: string,
): ResolvedCheck {
  const { metric: name, judge, ...fields } = config;
  if (!judge) {
    const metric = resolveMetric(name ?? fallbackName, name ? lookup(metrics, name) : undefined, fields);
    if (!hasLimits(metric))
      throw new MetricConfigError(`metric ${metric.name} has nothing to hold it to: set max, min, condition or baseline ratios`);
    return { mode: 'value', metric, cadence: cadenceSchema.parse(metric) };
  }
  const names = judge.metrics ?? (name ? [name] : []);
  if (!names.length) throw new MetricConfigError('a judgement needs judge.metrics (or metric)');
  const cadenceKeys = Object.keys(cadenceSchema.unwrap().shape);
  const stray = Object.keys(definedOnly(fields)).filter((key) => !cadenceKeys.includes(key));
  if (stray.length) throw new MetricConfigError(`a judgement takes its metrics from launch.metrics; move ${stray.join(', ')} there`);
  const judged = names.map((metricName) => resolveMetric(metricName, lookup(metrics, metricName), {}));
  for (const metric of judged) {
    if (!metric.baseline)
      throw new MetricConfigError(`metric ${metric.name}: a judgement compares against a baseline, so it needs baseline.query`);
    if (!findProviderKind(metric.provider).history)
      throw new MetricConfigError(`metric ${metric.name}: the ${metric.provider} provider has no history to judge`);
  }
  return { mode: 'judge', metrics: judged, judge, cadence: cadenceSchema.parse(fields) };
}

function pick<T extends object>(fields: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(keys.map((key) => [key, (fields as Record<string, unknown>)[key]])) as Partial<T>;
}

/** The fields of a metric (named or resolved) that make up its provider's request: the shared ones and the provider's own. */
export function requestFieldsOf<T extends { provider: ProviderName }>(metric: T): Partial<T> {
  return pick(metric, ['provider', 'query', ...Object.keys(findProviderKind(metric.provider).request)]);
}

/** The request a provider sends for the metric itself (templates not yet filled in). */
export function canaryRequest(metric: ResolvedMetric): MetricRequest {
  const { name, window, step } = metric;
  return { name, window, step, ...requestFieldsOf(metric) } as MetricRequest;
}

/** Of `fields` (a baseline, or a request for the stable version), those a baseline of `provider` sends: `query`, Datadog's `queries`. */
export function baselineRequestFields<T extends object>(provider: ProviderName, fields: T): Partial<T> {
  return definedOnly(pick(fields, ['query', ...findProviderKind(provider).baselineFields]));
}

/** The same request aimed at the stable version: the baseline's request fields in place of the metric's. */
export function baselineRequest(metric: ResolvedMetric): MetricRequest | undefined {
  if (!metric.baseline) return undefined;
  return { ...canaryRequest(metric), ...baselineRequestFields(metric.provider, metric.baseline) };
}
