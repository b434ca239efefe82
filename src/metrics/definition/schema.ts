import { z } from 'zod';
import { durationSchema, positiveDurationSchema } from '../../util/duration';
import { parseCondition } from './condition';
import { optionalFields, type OptionalFields } from '../../util/optional-fields';
import { providerKinds, providerNameSchema, providerSettingsSchema, type ProviderName } from '../providers/registry';
import type { OwnFieldsOf, ProviderKind } from '../providers/provider-kind';
import type { BaseRequest } from '../providers/provider';

export const reduceSchema = z.enum(['sum', 'avg', 'min', 'max']).meta({ description: 'How several series become one value' });
export type Reduce = z.output<typeof reduceSchema>;

export const noDataPolicySchema = z.enum(['fail', 'inconclusive', 'pass']);
export type NoDataPolicy = z.output<typeof noDataPolicySchema>;

const nameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, "_", "." or "-"');
// From here to the providers, schemas are built when a spec first uses metrics (z.lazy): many
// launches measure nothing.

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

/** How a measurement is held to its baseline; each provider adds the request the baseline sends (see baselineSchemaOf). */
export const baselineLimitsSchema = z.lazy(() =>
  z
    .object({
      max_ratio: z.number().positive().optional().meta({ description: 'A measurement above this multiple of the baseline fails' }),
      min_ratio: z.number().positive().optional().meta({ description: 'A measurement below this multiple of the baseline fails' }),
      immediate_ratio: z
        .number()
        .positive()
        .optional()
        .meta({ description: 'Above this multiple the check fails at once, whatever failure_limit says' }),
      floor: z
        .number()
        .min(0)
        .default(0)
        .meta({ description: 'Baseline values below this are raised to it, so a near-zero baseline does not make every ratio huge' }),
      sustain: durationSchema.default(DEFAULT_SUSTAIN_MS).meta({
        description: 'A ratio breach counts only if the ratio was breached this long before too (both read at once); 0 turns the check off',
      }),
    })
    .strict(),
);
export type BaselineLimits = z.output<typeof baselineLimitsSchema>;

const baselineQuerySchema = z.string().min(1).meta({ description: 'The same measurement for the running stable version' });

const analysisSchema = z.lazy(() =>
  z
    .object({
      direction: z.enum(['increase', 'decrease', 'either']).default('increase').meta({ description: 'Which change is bad' }),
      effect_size: z
        .number()
        .min(1)
        .default(1.25)
        .meta({ description: 'Allowed ratio of canary to baseline median before a significant difference counts' }),
      confidence: z.number().gt(0).lt(1).default(0.98),
      weight: z.number().positive().default(1),
      critical: z.boolean().default(false).meta({ description: 'A bad classification fails the judgement whatever the score' }),
    })
    .strict()
    .meta({ description: 'How a Mann-Whitney judgement treats this metric' }),
);
export type Analysis = z.output<typeof analysisSchema>;

type Kinds = (typeof providerKinds)[number];
type KindOf<N extends ProviderName> = Extract<Kinds, { name: N }>;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Every provider's own request fields, with their defaults. */
type ProviderFields = UnionToIntersection<Kinds['request']>;

/** The fields a metric of any provider may set, each optional: a check may set any of them over a named metric. */
function sharedFields() {
  return {
    query: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'PromQL, a Datadog query, or (web) a URL; ${environment}, ${version}... are filled in' }),
    window: positiveDurationSchema.optional().meta({ description: 'Look-back for Datadog queries and range for judgements (default 5m)' }),
    step: positiveDurationSchema.optional().meta({ description: 'Resolution of range queries (default 15s)' }),
    reduce: reduceSchema.optional(),
    // What counts as a good reading.
    max: z.number().optional().meta({ description: 'Highest passing value (inclusive)' }),
    min: z.number().optional().meta({ description: 'Lowest passing value (inclusive)' }),
    condition: conditionSchema.optional(),
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
  };
}

/** The request fields a baseline of `kind` may send in place of the metric's: `query`, and the kind's own (Datadog's `queries`). */
function baselineRequestFields(kind: ProviderKind) {
  const own = Object.fromEntries(kind.baselineFields.map((key) => [key, kind.request[key]!]));
  return { query: baselineQuerySchema.optional(), ...optionalFields(own) };
}

/** A baseline of one provider's metric: its limits and the request for the stable version. */
function baselineSchemaOf(kind: ProviderKind) {
  return baselineLimitsSchema.unwrap().extend(baselineRequestFields(kind)).strict();
}

/** One provider's metric as a spec defines it: the shared fields, its own, every one optional. */
function definitionMemberSchema(kind: ProviderKind) {
  return z
    .object({
      provider: z.literal(kind.name),
      ...sharedFields(),
      baseline: baselineSchemaOf(kind).optional(),
      // Each provider's own fields (Datadog's queries and formula, web's select...).
      ...optionalFields(kind.request),
    })
    .strict();
}

/** The fields every provider kind brings, together: for a check, whose provider is known only once merged. */
function everyProvider<T extends z.ZodRawShape>(fields: (kind: ProviderKind) => z.ZodRawShape): T {
  return Object.assign({}, ...providerKinds.map((kind) => fields(kind as unknown as ProviderKind))) as T;
}

/** The members of a union on `provider`, one per provider kind. */
function byProvider<T extends z.ZodObject>(member: (kind: ProviderKind) => T) {
  const members = providerKinds.map((kind) => member(kind as unknown as ProviderKind));
  return members as unknown as [T, ...T[]];
}

/** A named metric (launch.metrics): a union on `provider`, each member with that provider's fields only. */
export const metricDefinitionSchema: z.ZodType<MetricDefinition> = z.lazy(
  () => z.discriminatedUnion('provider', byProvider(definitionMemberSchema)) as unknown as z.ZodType<MetricDefinition>,
);

/** The documented defaults (docs/metrics.md). Not strict: it also picks the cadence out of a whole resolved metric. */
export const cadenceSchema = z.lazy(() => {
  const fields = sharedFields();
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

/** The fields of a resolved metric that every provider shares, defaults filled in. */
function sharedResolvedFields() {
  const fields = sharedFields();
  return {
    name: z.string(),
    query: fields.query,
    window: fields.window.unwrap().default(300_000),
    step: fields.step.unwrap().default(15_000),
    reduce: fields.reduce,
    max: fields.max,
    min: fields.min,
    condition: fields.condition,
    analysis: fields.analysis.unwrap().prefault({}),
    ...cadenceSchema.unwrap().shape,
  };
}

/** A resolved metric of one provider: the shared fields, its own, and its rules. */
function resolvedMemberSchema(kind: ProviderKind) {
  return z
    .object({ ...sharedResolvedFields(), provider: z.literal(kind.name), baseline: baselineSchemaOf(kind).optional(), ...kind.request })
    .strict()
    .superRefine((metric, ctx) => {
      const problem = (message: string, path: string): void => ctx.addIssue({ code: 'custom', message, path: [path] });
      kind.refine(metric, problem);
      if (metric.min !== undefined && metric.max !== undefined && metric.min > metric.max)
        problem(`min ${metric.min} is above max ${metric.max}`, 'min');
      const baseline = metric.baseline as Record<string, unknown> | undefined;
      if (baseline && !Object.keys(baselineRequestFields(kind)).some((key) => baseline[key] !== undefined))
        problem('a baseline needs a query', 'baseline');
      if (metric.condition && parseCondition(metric.condition).variables.has('baseline') && !metric.baseline) {
        problem('the condition uses `baseline` but the metric has no baseline query', 'condition');
      }
    });
}

/** Fields a metric sets that belong to another provider ("select, body and headers are for web metrics"). */
function foreignFields(metric: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const own = providerKinds.find((kind) => kind.name === metric.provider);
  if (!own) return;
  for (const kind of providerKinds) {
    const stray = Object.keys(kind.request).filter((key) => metric[key] !== undefined && !(key in own.request));
    if (!stray.length) continue;
    const list = stray.length > 1 ? `${stray.slice(0, -1).join(', ')} and ${stray.at(-1)} are` : `${stray[0]} is`;
    ctx.addIssue({ code: 'custom', message: `${list} for ${kind.name} metrics`, path: [stray[0]!] });
  }
}

/** A metric with everything decided: a named metric merged with a check's overrides, defaults filled in. One member per provider. */
export const resolvedMetricSchema: z.ZodType<ResolvedMetric> = z.lazy(() =>
  z
    .looseObject({})
    .superRefine(foreignFields)
    .pipe(
      z.discriminatedUnion('provider', byProvider(resolvedMemberSchema), {
        error: `expected provider ${providerKinds.map((kind) => kind.name).join(', ')}`,
      }),
    ),
) as unknown as z.ZodType<ResolvedMetric>;

/** One provider's own request fields, defaults applied. */
type OwnFields<N extends ProviderName> = OwnFieldsOf<KindOf<N>['request']>;
type BaselineOf<N extends ProviderName> = BaselineLimits & { query?: string } & Partial<
    Pick<OwnFields<N>, Extract<KindOf<N>['baselineFields'][number], keyof OwnFields<N>>>
  >;
type Shared = z.output<z.ZodObject<ReturnType<typeof sharedFields>>>;
type SharedResolved = z.output<z.ZodObject<ReturnType<typeof sharedResolvedFields>>>;

/** A named metric of provider N, as the spec gives it. */
export type MetricDefinitionOf<N extends ProviderName> = Shared & { provider: N; baseline?: BaselineOf<N> } & Partial<OwnFields<N>>;
export type MetricDefinition = { [N in ProviderName]: MetricDefinitionOf<N> }[ProviderName];
/** A resolved metric: one member per provider, each with its own fields. */
export type ResolvedMetric = {
  [N in ProviderName]: SharedResolved & { provider: N; baseline?: BaselineOf<N> } & OwnFields<N>;
}[ProviderName];
/** The part of a metric a provider reads. */
export type MetricRequest = { [N in ProviderName]: BaseRequest & { provider: N } & OwnFields<N> }[ProviderName];

/** A canary judgement over several metrics, scored as Kayenta does. */
export const judgeSchema = z.lazy(() =>
  z
    .object({
      metrics: z.array(nameSchema).min(1).optional().meta({ description: "Named metrics to judge (default: the check's metric)" }),
      marginal: z.number().min(0).max(100).default(50).meta({ description: 'A score below this fails' }),
      pass: z
        .number()
        .min(0)
        .max(100)
        .default(75)
        .meta({ description: 'A score at or above this passes; between the two is inconclusive' }),
    })
    .strict()
    .refine((judge) => judge.marginal <= judge.pass, { error: 'marginal must not be above pass', path: ['marginal'] }),
);
export type Judge = z.output<typeof judgeSchema>;

// A ceiling on a rate, a latency or a count: below zero it could never be met; a rate is a fraction.
const thresholdValuesSchema = z
  .record(nameSchema, z.number())
  .superRefine((values, ctx) => {
    for (const [name, value] of Object.entries(values)) {
      if (value < 0) ctx.addIssue({ code: 'custom', path: [name], message: `expected a threshold of 0 or more, got ${value}` });
      else if (/_rate$/.test(name) && value > 1)
        ctx.addIssue({ code: 'custom', path: [name], message: `expected a rate between 0 and 1 (0.02 means 2 %), got ${value}` });
    }
  })
  .meta({ description: 'Metric name → the most it may read' });

const thresholdsSchema = z
  .object({
    environments: z
      .record(z.string(), thresholdValuesSchema)
      .default({})
      .meta({ description: 'Per environment; wins over rollback_threshold' }),
    tiers: z
      .record(z.string(), thresholdValuesSchema)
      .default({})
      .meta({ description: 'Per service tier (launch.tier); wins over environments' }),
    phases: z.array(z.string()).optional().meta({ description: 'Phases that get threshold watches (default: all)' }),
  })
  .strict()
  .prefault({});
export type Thresholds = z.output<typeof thresholdsSchema>;

/** Launch-level fields for metric analysis, spread into the launch schema. */
export const metricsFields = {
  providers: providerSettingsSchema,
  metrics: z
    .record(nameSchema, metricDefinitionSchema)
    .default({})
    .meta({ description: 'Named metrics that checks and thresholds refer to' }),
  rollback_threshold: thresholdValuesSchema.optional().meta({
    description: 'Most each named metric may read (error_rate, latency_p99_ms, health_check_failures...), watched in every phase',
  }),
  thresholds: thresholdsSchema,
  tier: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Service tier that selects thresholds.tiers (a payment API and an admin tool differ)' }),
};

/**
 * The metric check's own fields: a named metric and/or inline fields, or a judgement over several metrics.
 * Which provider a check's fields are for is known only once they are laid over the named metric, so they
 * may be any provider's; the merged metric is checked against its provider's own (resolvedMetricSchema).
 */
export const metricCheckConfigSchema = z.lazy(() =>
  z
    .object({
      provider: providerNameSchema.optional(),
      ...sharedFields(),
      baseline: baselineLimitsSchema.unwrap().extend(everyProvider<BaselineOverrides>(baselineRequestFields)).strict().optional(),
      ...optionalFields(everyProvider<ProviderFields>((kind) => kind.request)),
      metric: nameSchema.optional().meta({ description: "Name of a metric in launch.metrics; the check's own fields override it" }),
      judge: judgeSchema.optional(),
    })
    .strict()
    // A check that names its provider is held to that provider's fields as the spec loads.
    .superRefine(foreignFields),
);
/** Fields of a check's baseline: `query` and every provider's own baseline fields. */
type BaselineOverrides = ReturnType<typeof baselineRequestFields> & OptionalFields<Pick<ProviderFields, Kinds['baselineFields'][number]>>;
export type MetricCheckConfig = z.output<typeof metricCheckConfigSchema>;
