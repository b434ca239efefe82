import { z } from 'zod';
import { durationSchema, positiveDurationSchema } from '../../util/duration';
import { parseCondition } from './condition';

export const providerKindSchema = z.enum(['prometheus', 'datadog', 'web']);
export type ProviderKind = z.output<typeof providerKindSchema>;

export const reduceSchema = z.enum(['sum', 'avg', 'min', 'max']).meta({ description: 'How several series become one value' });
export type Reduce = z.output<typeof reduceSchema>;

export const noDataPolicySchema = z.enum(['fail', 'inconclusive', 'pass']);
export type NoDataPolicy = z.output<typeof noDataPolicySchema>;

export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'uk1.datadoghq.com',
  'ddog-gov.com',
  'us2.ddog-gov.com',
] as const;

const nameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, "_", "." or "-"');
const headersSchema = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name'), z.string());
// From here to the providers, schemas are built when a spec first uses metrics (z.lazy): many
// launches measure nothing.

/** Datadog names the queries a formula combines: `a`, `b`, `errors`... */
const datadogQueriesSchema = z.lazy(() => z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case query name'), z.string().min(1)));

const conditionSchema = z.lazy(() =>
  z
    .string()
    .min(1)
    .meta({ description: 'Expression over `result` (and `baseline`) that must hold, e.g. "result < 0.02 && result >= 0"' })
    .superRefine((text, ctx) => {
      try {
        parseCondition(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
);

/**
 * Two series scraped at different offsets disagree for up to two scrape intervals after a change both
 * saw (docs/metrics.md): twice the common 15 s interval.
 */
export const DEFAULT_SUSTAIN_MS = 30_000;

export const baselineSchema = z.lazy(() =>
  z
    .object({
      query: z.string().min(1).optional().meta({ description: 'The same measurement for the running stable version' }),
      queries: datadogQueriesSchema.optional().meta({ description: 'Datadog: baseline queries for the formula' }),
      max_ratio: z.number().positive().optional().meta({ description: 'A measurement above this multiple of the baseline fails' }),
      min_ratio: z.number().positive().optional().meta({ description: 'A measurement below this multiple of the baseline fails' }),
      immediate_ratio: z.number().positive().optional().meta({ description: 'Above this multiple the check fails at once, whatever failure_limit says' }),
      floor: z.number().min(0).default(0).meta({ description: 'Baseline values below this are raised to it, so a near-zero baseline does not make every ratio huge' }),
      sustain: durationSchema
        .default(DEFAULT_SUSTAIN_MS)
        .meta({ description: 'A ratio breach counts only if the ratio was breached this long before too (both read at once); 0 turns the check off' }),
    })
    .strict(),
);
export type Baseline = z.output<typeof baselineSchema>;

const analysisSchema = z.lazy(() =>
  z
    .object({
      direction: z.enum(['increase', 'decrease', 'either']).default('increase').meta({ description: 'Which change is bad' }),
      effect_size: z.number().min(1).default(1.25).meta({ description: 'Allowed ratio of canary to baseline median before a significant difference counts' }),
      confidence: z.number().gt(0).lt(1).default(0.98),
      weight: z.number().positive().default(1),
      critical: z.boolean().default(false).meta({ description: 'A bad classification fails the judgement whatever the score' }),
    })
    .strict()
    .meta({ description: 'How a Mann-Whitney judgement treats this metric' }),
);
export type Analysis = z.output<typeof analysisSchema>;

/** Every field a metric may set, each optional so that a check can override a named metric field by field. */
export const metricDefinitionSchema = z.lazy(() =>
  z
    .object({
      // What to ask which provider.
      provider: providerKindSchema.optional(),
      query: z.string().min(1).optional().meta({ description: 'PromQL, a Datadog query, or (web) a URL; ${environment}, ${version}... are filled in' }),
      queries: datadogQueriesSchema.optional().meta({ description: 'Datadog: named queries that `formula` combines' }),
      formula: z.string().min(1).optional().meta({ description: 'Datadog: formula over the named queries, e.g. "errors / hits"' }),
      api: z.enum(['scalar', 'timeseries', 'v1']).optional().meta({ description: 'Datadog API (default scalar)' }),
      aggregator: z.enum(['avg', 'min', 'max', 'sum', 'last', 'percentile', 'mean', 'l2norm', 'area']).optional(),
      window: positiveDurationSchema.optional().meta({ description: 'Look-back for Datadog queries and range for judgements (default 5m)' }),
      step: positiveDurationSchema.optional().meta({ description: 'Resolution of range queries (default 15s)' }),
      reduce: reduceSchema.optional(),
      method: z.enum(['GET', 'POST']).optional(),
      body: z.string().optional(),
      headers: headersSchema.optional(),
      select: z.string().min(1).optional().meta({ description: 'Web: path to the number in the JSON body ("data.value", "checks[0].ms"), or $status' }),
      // What counts as a good reading.
      max: z.number().optional().meta({ description: 'Highest passing value (inclusive)' }),
      min: z.number().optional().meta({ description: 'Lowest passing value (inclusive)' }),
      condition: conditionSchema.optional(),
      baseline: baselineSchema.optional(),
      analysis: analysisSchema.optional(),
      // How often to measure and how much to tolerate.
      interval: positiveDurationSchema.optional(),
      count: z.number().int().positive().optional().meta({ description: 'Measurements to take (for a watch: at least this many)' }),
      initial_delay: durationSchema.optional(),
      failure_limit: z.number().int().min(0).optional(),
      inconclusive_limit: z.number().int().min(0).optional(),
      consecutive_error_limit: z.number().int().min(0).optional(),
      no_data: noDataPolicySchema.optional(),
      bake: durationSchema.optional().meta({ description: 'Watch: how long to keep measuring after the phase command finished' }),
    })
    .strict(),
);
export type MetricDefinition = z.output<typeof metricDefinitionSchema>;

/** The documented defaults (docs/metrics.md). Not strict: it also picks the cadence out of a whole resolved metric. */
export const cadenceSchema = z.lazy(() => {
  const fields = metricDefinitionSchema.unwrap().shape;
  return z.object({
    interval: fields.interval.unwrap().default(10_000),
    count: fields.count.unwrap().default(1),
    initial_delay: fields.initial_delay.unwrap().default(0),
    failure_limit: fields.failure_limit.unwrap().default(0),
    inconclusive_limit: fields.inconclusive_limit.unwrap().default(0),
    consecutive_error_limit: fields.consecutive_error_limit.unwrap().default(4),
    no_data: fields.no_data.unwrap().default('inconclusive'),
    bake: fields.bake.unwrap().default(0),
  });
});
export type Cadence = z.output<typeof cadenceSchema>;

/** A metric with everything decided: a named metric merged with a check's overrides, defaults filled in. */
export const resolvedMetricSchema = z.lazy(() => {
  const fields = metricDefinitionSchema.unwrap().shape;
  return z
    .object({
      name: z.string(),
      ...fields,
      provider: providerKindSchema,
      api: fields.api.unwrap().default('scalar'),
      aggregator: fields.aggregator.unwrap().default('avg'),
      window: fields.window.unwrap().default(300_000),
      step: fields.step.unwrap().default(15_000),
      method: fields.method.unwrap().default('GET'),
      analysis: fields.analysis.unwrap().prefault({}),
      ...cadenceSchema.unwrap().shape,
    })
    .strict()
    .superRefine((metric, ctx) => {
      const problem = (message: string, path: string): void => ctx.addIssue({ code: 'custom', message, path: [path] });
      if (metric.provider === 'datadog') {
        if (!metric.query === !metric.queries) problem('a Datadog metric needs either query or queries (with a formula)', 'query');
        if (metric.queries && !metric.formula) problem('queries need a formula that combines them', 'formula');
        if (metric.api === 'v1' && (metric.queries || metric.formula)) problem('the v1 API takes one query and no formula', 'api');
      } else {
        if (!metric.query) problem(`a ${metric.provider} metric needs a query`, 'query');
        if (metric.queries || metric.formula) problem('queries and formula are for Datadog metrics', 'queries');
      }
      if (metric.provider !== 'web' && (metric.select || metric.body || metric.headers)) problem('select, body and headers are for web metrics', 'select');
      if (metric.min !== undefined && metric.max !== undefined && metric.min > metric.max) problem(`min ${metric.min} is above max ${metric.max}`, 'min');
      if (metric.baseline && !metric.baseline.query && !metric.baseline.queries) problem('a baseline needs a query', 'baseline');
      if (metric.condition && parseCondition(metric.condition).variables.has('baseline') && !metric.baseline) {
        problem('the condition uses `baseline` but the metric has no baseline query', 'condition');
      }
    });
});
export type ResolvedMetric = z.output<typeof resolvedMetricSchema>;
/** The part of a metric a provider reads. */
export type MetricRequest = Pick<
  ResolvedMetric,
  'name' | 'provider' | 'query' | 'queries' | 'formula' | 'api' | 'aggregator' | 'window' | 'step' | 'method' | 'body' | 'headers' | 'select'
>;

/** A canary judgement over several metrics, scored as Kayenta does. */
export const judgeSchema = z.lazy(() =>
  z
    .object({
      metrics: z.array(nameSchema).min(1).optional().meta({ description: 'Named metrics to judge (default: the check\'s metric)' }),
      marginal: z.number().min(0).max(100).default(50).meta({ description: 'A score below this fails' }),
      pass: z.number().min(0).max(100).default(75).meta({ description: 'A score at or above this passes; between the two is inconclusive' }),
    })
    .strict()
    .refine((judge) => judge.marginal <= judge.pass, { message: 'marginal must not be above pass', path: ['marginal'] }),
);
export type Judge = z.output<typeof judgeSchema>;

const timeoutSchema = positiveDurationSchema.default(10_000).meta({ description: 'Per-request timeout' });
const concurrencySchema = (value: number) =>
  z.number().int().positive().default(value).meta({ description: 'Requests in flight at once to this provider, across all checks' });

const providersSchema = z
  .object({
    prometheus: z
      .object({
        url: z.string().url().optional().meta({ description: 'Base URL; the prometheus-url input wins when given' }),
        headers: headersSchema.default({}).meta({ description: 'Extra headers (e.g. X-Scope-OrgID); prometheus-headers input entries win' }),
        timeout: timeoutSchema,
        concurrency: concurrencySchema(8),
      })
      .strict()
      .prefault({}),
    datadog: z
      .object({
        site: z.enum(DATADOG_SITES).optional().meta({ description: 'Datadog site; a datadog-site input other than datadoghq.com wins' }),
        url: z.string().url().optional().meta({ description: 'API base URL instead of https://api.{site} (a proxy, a test double)' }),
        timeout: timeoutSchema,
        concurrency: concurrencySchema(4),
      })
      .strict()
      .prefault({}),
    web: z
      .object({ headers: headersSchema.default({}), timeout: timeoutSchema, concurrency: concurrencySchema(8) })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

// A ceiling on a rate, a latency or a count: below zero it could never be met; a rate is a fraction.
const thresholdValuesSchema = z
  .record(nameSchema, z.number())
  .superRefine((values, ctx) => {
    for (const [name, value] of Object.entries(values)) {
      if (value < 0) ctx.addIssue({ code: 'custom', path: [name], message: `expected a threshold of 0 or more, got ${value}` });
      else if (/_rate$/.test(name) && value > 1) ctx.addIssue({ code: 'custom', path: [name], message: `expected a rate between 0 and 1 (0.02 means 2 %), got ${value}` });
    }
  })
  .meta({ description: 'Metric name → the most it may read' });

const thresholdsSchema = z
  .object({
    environments: z.record(z.string(), thresholdValuesSchema).default({}).meta({ description: 'Per environment; wins over rollback_threshold' }),
    tiers: z.record(z.string(), thresholdValuesSchema).default({}).meta({ description: 'Per service tier (launch.tier); wins over environments' }),
    phases: z.array(z.string()).optional().meta({ description: 'Phases that get threshold watches (default: all)' }),
  })
  .strict()
  .prefault({});

/** Launch-level fields for metric analysis, spread into the launch schema. */
export const metricsFields = {
  providers: providersSchema,
  metrics: z
    .record(nameSchema, metricDefinitionSchema)
    .default({})
    .meta({ description: 'Named metrics that checks and thresholds refer to' }),
  rollback_threshold: thresholdValuesSchema
    .optional()
    .meta({ description: 'Most each named metric may read (error_rate, latency_p99_ms, health_check_failures...), watched in every phase' }),
  thresholds: thresholdsSchema,
  tier: z.string().min(1).optional().meta({ description: 'Service tier that selects thresholds.tiers (a payment API and an admin tool differ)' }),
};

/** The metric check's own fields: a named metric and/or inline fields, or a judgement over several metrics. */
export const metricCheckConfigSchema = z.lazy(() =>
  metricDefinitionSchema.unwrap().extend({
    metric: nameSchema.optional().meta({ description: 'Name of a metric in launch.metrics; the check\'s own fields override it' }),
    judge: judgeSchema.optional(),
  }),
);
export type MetricCheckConfig = z.output<typeof metricCheckConfigSchema>;
