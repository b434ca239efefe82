import { z } from 'zod';
import { positiveDurationSchema } from '../../util/duration';
import {
  baselineLimitsSchema,
  DEFAULT_SUSTAIN_MS,
  noDataPolicySchema,
  type MetricDefinition,
  type MetricDefinitionOf,
} from '../definition/schema';
import { baselineRequestFields } from '../definition/resolve';
import type { ProviderName } from '../providers/registry';

// A label value lands inside a quoted PromQL string or a Datadog tag filter: only characters that
// cannot close either, or a `${NAME}` template, whose value the query rules check when it is filled in.
const labelValueSchema = z
  .string()
  .regex(/^(?:[A-Za-z0-9._:/@+-]|\$\{[A-Za-z_][A-Za-z0-9_.]*\})+$/, 'expected letters, digits, ". _ : / @ + -" or a ${NAME} template');

export const promLabelSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a Prometheus label name');
export const datadogTagSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_./-]*$/, 'expected a Datadog tag name');

const comparisonSchema = baselineLimitsSchema;

/**
 * The options every preset takes. `labels` is the preset's own: its defaults are the names its
 * instrumentation uses, and a team that relabels says so there.
 */
export function presetOptions<T extends string, L extends z.ZodObject, E extends z.ZodRawShape = Record<never, never>>(
  type: T,
  labels: L,
  labelName: z.ZodString,
  extra?: E,
) {
  return z
    .object({
      type: z.literal(type),
      service: labelValueSchema.default('${service}').meta({ description: 'Value of the service label (default: launch.service)' }),
      version: labelValueSchema.default('${version}').meta({ description: 'Value of the version label for the version being launched' }),
      baseline_version: labelValueSchema
        .default('${previous_version}')
        .meta({ description: 'Value of the version label for the stable version (the baseline)' }),
      // Every label has a default, so an empty object is valid input.
      labels: labels.prefault({} as z.input<L>).meta({ description: 'The label (tag) names this instrumentation uses' }),
      match: z
        .record(labelName, labelValueSchema)
        .default({})
        .meta({ description: 'More label matchers every query gets, e.g. { env: production }' }),
      window: positiveDurationSchema.default(60_000).meta({ description: 'Rate window (Prometheus) or look-back (Datadog)' }),
      baseline: z
        .union([z.literal(true), comparisonSchema])
        .optional()
        .meta({
          description: 'Also query the stable version: true (for judgements), or ratio limits (max_ratio, immediate_ratio, floor...)',
        }),
      no_data: noDataPolicySchema.default('pass').meta({
        description:
          'What no data counts as (default pass: a version with no traffic yet, as in a migration phase, has nothing to measure)',
      }),
      interval: positiveDurationSchema.optional().meta({ description: 'Time between measurements of these metrics' }),
      ...(extra as E),
    })
    .strict();
}

export interface PresetOptions {
  service: string;
  version: string;
  baseline_version: string;
  labels: { service: string; version: string };
  match: Record<string, string>;
  window: number;
  baseline?: true | z.output<typeof comparisonSchema>;
  no_data: z.output<typeof noDataPolicySchema>;
  interval?: number;
}

/** Label name and value pairs that select one version of the service: service, version, then `match`. */
export type Selector = [name: string, value: string][];

export function versionSelector(options: PresetOptions, version: string): Selector {
  return [[options.labels.service, options.service], [options.labels.version, version], ...Object.entries(options.match)];
}

/** `{job="checkout",version="${version}"}` plus extra matchers written as PromQL (`code=~"5.."`). */
export function promSelector(selector: Selector, ...extra: string[]): string {
  return `{${[...selector.map(([name, value]) => `${name}="${value}"`), ...extra].join(',')}}`;
}

/** A PromQL range duration in its largest whole unit (`90s`, `1m`, `2h`): one unit, which every Prometheus version reads. */
export function promDuration(ms: number): string {
  const unit = (
    [
      ['h', 3_600_000],
      ['m', 60_000],
      ['s', 1000],
    ] as const
  ).find(([, size]) => ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : `${ms}ms`;
}

/** `{service:checkout,version:${version}}` */
export function datadogFilter(selector: Selector): string {
  return `{${selector.map(([name, value]) => `${name}:${value}`).join(',')}}`;
}

/** What a preset writes of one provider's metric: the provider and its request (query, or queries and formula...). */
type Request = { [N in ProviderName]: Omit<MetricDefinitionOf<N>, 'baseline'> }[ProviderName];

/**
 * One preset metric: the request for the version being launched and, when the preset compares, the
 * same request for the stable version as its baseline.
 */
export function presetMetric(options: PresetOptions, request: (selector: Selector) => Request): MetricDefinition {
  const metric: MetricDefinition = { ...request(versionSelector(options, options.version)), no_data: options.no_data };
  if (options.interval !== undefined) metric.interval = options.interval;
  // A judgement's samples one rate window apart do not overlap, so each is a fresh observation: the
  // rank test assumes independent samples, and overlapping windows make noise look significant.
  if (metric.provider === 'prometheus') metric.step = options.window;
  if (options.baseline !== undefined) {
    const stable = request(versionSelector(options, options.baseline_version));
    metric.baseline = {
      floor: 0,
      sustain: DEFAULT_SUSTAIN_MS,
      ...(options.baseline === true ? {} : options.baseline),
      ...baselineRequestFields(stable.provider, stable),
    };
  }
  return metric;
}
