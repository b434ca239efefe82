import { z } from 'zod';
import { definePreset } from './preset';
import { presetMetric, presetOptions, promDuration, promLabelSchema, promSelector } from './options';

const labels = z
  .object({
    service: promLabelSchema.default('proxy').meta({ description: 'Label naming the backend' }),
    version: promLabelSchema.default('server').meta({ description: 'Label naming the server a version runs on' }),
  })
  .strict();

const config = z.lazy(() => presetOptions('haproxy', labels, promLabelSchema));

/**
 * HAProxy's built-in exporter (`http-request use-service prometheus-exporter`), per server: the
 * router that shifts the traffic also measures it. `service` is the backend, `version` and
 * `baseline_version` the canary's and the stable version's server names.
 */
export const haproxyPreset = definePreset({
  type: 'haproxy',
  description: "HAProxy's built-in Prometheus exporter: haproxy_server_http_responses_total and response times per server",
  config,
  metrics(c) {
    const window = promDuration(c.window);
    return {
      error_rate: presetMetric(c, (s) => ({
        provider: 'prometheus',
        query:
          `sum(rate(haproxy_server_http_responses_total${promSelector(s, 'code="5xx"')}[${window}]))` +
          ` / sum(rate(haproxy_server_http_responses_total${promSelector(s)}[${window}]))`,
      })),
      // The exporter has no latency histogram: its average over the last 1024 responses is the
      // closest figure, and never above the p99, so a breach of it is a breach of the p99 too.
      latency_p99_ms: presetMetric(c, (s) => ({
        provider: 'prometheus',
        query: `max(haproxy_server_response_time_average_seconds${promSelector(s)}) * 1000`,
      })),
    };
  },
});
