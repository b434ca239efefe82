import { z } from 'zod';
import { definePreset } from './preset';
import { presetMetric, presetOptions, promDuration, promLabelSchema, promSelector } from './options';

const labels = z
  .object({
    service: promLabelSchema.default('job'),
    version: promLabelSchema.default('version'),
    status: promLabelSchema
      .default('code')
      .meta({ description: 'The status code label: `code` (Go promhttp), `status`, `status_code`...' }),
  })
  .strict();

const config = z.lazy(() => presetOptions('http-requests-total', labels, promLabelSchema));

/** The widespread client-library naming: a request counter by status code and a latency histogram in seconds. */
export const httpRequestsTotalPreset = definePreset({
  type: 'http-requests-total',
  description: 'http_requests_total by status code and the http_request_duration_seconds histogram (Prometheus)',
  config,
  metrics(c) {
    const window = promDuration(c.window);
    return {
      error_rate: presetMetric(c, (s) => ({
        provider: 'prometheus',
        query:
          `sum(rate(http_requests_total${promSelector(s, `${c.labels.status}=~"5.."`)}[${window}]))` +
          ` / sum(rate(http_requests_total${promSelector(s)}[${window}]))`,
      })),
      latency_p99_ms: presetMetric(c, (s) => ({
        provider: 'prometheus',
        query: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket${promSelector(s)}[${window}]))) * 1000`,
      })),
    };
  },
});
