import { z } from 'zod';
import type { MetricDefinition } from '../definition/schema';
import { baselineRequestFields, requestFieldsOf } from '../definition/resolve';
import { findProviderKind } from '../providers/registry';
import type { MetricPreset, PresetMetrics } from './preset';
import { otelHttpPreset } from './otel-http';
import { httpRequestsTotalPreset } from './http-requests-total';
import { haproxyPreset } from './haproxy';
import { datadogApmPreset } from './datadog-apm';

/** Every preset a spec may name in `metric_preset.type`. Add one by writing its file and listing it here. */
const registered = [otelHttpPreset, httpRequestsTotalPreset, haproxyPreset, datadogApmPreset] as const;

const members = registered.map((preset) => preset.config);
const presetSchema = z.discriminatedUnion('type', members as unknown as [(typeof members)[number], ...(typeof members)[number][]]);
export type PresetSpec = z.output<typeof presetSchema>;

/** The launch-level field, spread into the launch schema. */
export const presetFields = {
  metric_preset: presetSchema.optional().meta({
    description: 'Standard error_rate and latency_p99_ms metrics for common instrumentation, so rollback_threshold binds without a query',
  }),
};

const presets = registered as unknown as readonly MetricPreset[];

/** The part of a launch that presets read and extend. */
interface PresetLaunch {
  metric_preset?: PresetSpec;
  metrics: Readonly<Record<string, MetricDefinition>>;
}

/** The metrics `spec` yields, templates not yet filled in. */
export function presetMetrics(spec: PresetSpec): PresetMetrics {
  const preset = presets.find((candidate) => candidate.type === spec.type);
  // Only validated specs get here, so this guards a slip in the list, not user input.
  if (!preset) throw new Error(`no metric preset handles type '${spec.type}'`);
  return preset.metrics(spec);
}

/** The preset's metrics that the launch uses: a metric of the same name in launch.metrics replaces the preset's whole. */
export function presetMetricsInUse(launch: PresetLaunch): Record<string, MetricDefinition> {
  if (!launch.metric_preset) return {};
  return Object.fromEntries(Object.entries(presetMetrics(launch.metric_preset)).filter(([name]) => !launch.metrics[name]));
}

/** launch.metrics with the preset's metrics added under the names the spec does not define itself. */
export function withPresetMetrics<L extends PresetLaunch>(launch: L): L {
  const added = presetMetricsInUse(launch);
  return Object.keys(added).length ? { ...launch, metrics: { ...added, ...launch.metrics } } : launch;
}

/** What a metric asks of which provider, to tell whether launch.metrics replaced a preset's metric. */
function requestOf(metric: MetricDefinition | undefined): string {
  return JSON.stringify(metric && requestFieldsOf(metric));
}

/**
 * For the plan: the preset and each query it produced, as written before `${NAME}`s are filled in
 * (the checks that use them show them filled), or which launch.metrics entry replaced it.
 */
export function describePreset(launch: PresetLaunch): string[] {
  if (!launch.metric_preset) return [];
  const metrics = presetMetrics(launch.metric_preset);
  const lines = Object.entries(metrics).flatMap(([name, metric]) => {
    if (requestOf(launch.metrics[name]) !== requestOf(metric)) return [`   ${name}: replaced by launch.metrics.${name}`];
    const kind = findProviderKind(metric.provider);
    const baseline = metric.baseline && kind.text({ ...metric, ...baselineRequestFields(metric.provider, metric.baseline) });
    return [
      `   ${name}: ${metric.provider} ${kind.text(metric)}`,
      ...(baseline ? [`   ${name} baseline: ${metric.provider} ${baseline}`] : []),
    ];
  });
  return [`Metric preset ${launch.metric_preset.type}:`, ...lines];
}
