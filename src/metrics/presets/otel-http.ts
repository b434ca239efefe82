import { z } from 'zod';
import { definePreset } from './preset';
import { presetMetric, presetOptions, promDuration, promLabelSchema, promSelector } from './options';

const labels = z
  .object({
    // OTLP ingestion puts service.name into `job`; service.version is a resource attribute, a label once promoted.
    service: promLabelSchema.default('job'),
    version: promLabelSchema.default('service_version'),
    status: promLabelSchema.default('http_response_status_code'),
  })
  .strict();

const config = z.lazy(() => presetOptions('otel-http', labels, promLabelSchema));

/**
 * OpenTelemetry's HTTP server semantic conventions as Prometheus stores them: the
 * `http.server.request.duration` histogram (seconds) becomes `http_server_request_duration_seconds`,
 * whose `_count` is the request count, with `http.response.status_code` as a label.
 */
export const otelHttpPreset = definePreset({
  type: 'otel-http',
  description: 'OpenTelemetry HTTP server conventions: http_server_request_duration_seconds by http_response_status_code (Prometheus)',
  config,
  metrics(c) {
    const window = promDuration(c.window);
    const count =
      (...extra: string[]) =>
      (s: Parameters<typeof promSelector>[0]) =>
        `http_server_request_duration_seconds_count${promSelector(s, ...extra)}`;
    return {
      error_rate: presetMetric(c, (s) => ({
        provider: 'prometheus',
        query: `sum(rate(${count(`${c.labels.status}=~"5.."`)(s)}[${window}])) / sum(rate(${count()(s)}[${window}]))`,
      })),
      latency_p99_ms: presetMetric(c, (s) => ({
        provider: 'prometheus',
        query:
          `histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket${promSelector(s)}[${window}])))` +
          ' * 1000',
      })),
    };
  },
});
