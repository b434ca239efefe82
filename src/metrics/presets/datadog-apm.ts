import { z } from 'zod';
import { definePreset } from './preset';
import { datadogFilter, datadogTagSchema, presetMetric, presetOptions } from './options';

const labels = z.object({ service: datadogTagSchema.default('service'), version: datadogTagSchema.default('version') }).strict();

const config = z.lazy(() =>
  presetOptions('datadog-apm', labels, datadogTagSchema, {
    span: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected a span name such as http.request')
      .default('http.request')
      .meta({ description: 'The span name of the trace metrics: http.request, express.request, servlet.request...' }),
  }),
);

/**
 * Datadog APM trace metrics: `trace.<span>.hits` and `.errors` (counts) and `trace.<span>`, the
 * latency distribution in seconds, whose percentiles cover every request whatever the sampling.
 */
export const datadogApmPreset = definePreset({
  type: 'datadog-apm',
  description: 'Datadog APM trace metrics: trace.<span>.errors / trace.<span>.hits and the p99 of the trace.<span> distribution',
  config,
  metrics(c) {
    const metric = `trace.${c.span}`;
    return {
      error_rate: presetMetric(c, (s) => ({
        provider: 'datadog',
        queries: { errors: `sum:${metric}.errors${datadogFilter(s)}.as_count()`, hits: `sum:${metric}.hits${datadogFilter(s)}.as_count()` },
        formula: 'errors / hits',
        aggregator: 'sum',
        window: c.window,
      })),
      latency_p99_ms: presetMetric(c, (s) => ({
        provider: 'datadog',
        queries: { p99: `p99:${metric}${datadogFilter(s)}` },
        formula: 'p99 * 1000',
        aggregator: 'percentile',
        window: c.window,
      })),
    };
  },
});
