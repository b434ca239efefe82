import { defineCheck, type PlanContext } from './check';
import type { CheckStage } from '../events/states';
import { formatDuration } from '../util/duration';
import { measureLoop } from '../metrics/measuring/measure-loop';
import { assembleMetricCheck, type AssembledMetricCheck } from './metric-assembly';
import { MetricConfigError } from '../metrics/definition/resolve';
import { metricCheckConfigSchema, type Cadence, type MetricCheckConfig } from '../metrics/definition/schema';

function describeCadence(cadence: Cadence, stage: CheckStage, deadline: number): string {
  const every = formatDuration(cadence.interval);
  const when =
    stage === 'watch'
      ? `every ${every} while the phase runs${cadence.bake ? `, then for a bake of ${formatDuration(cadence.bake)}` : ''}`
      : cadence.count === 1
        ? 'once'
        : `${cadence.count}× every ${every}`;
  const delay = cadence.initial_delay ? ` after ${formatDuration(cadence.initial_delay)}` : '';
  const limits = [
    `failure_limit ${cadence.failure_limit}`,
    `inconclusive_limit ${cadence.inconclusive_limit}`,
    `consecutive_error_limit ${cadence.consecutive_error_limit}`,
    `no_data ${cadence.no_data}`,
    `${formatDuration(deadline)} deadline per measurement`,
  ];
  return `${when}${delay} (${limits.join(', ')})`;
}

function assembleOrExplain(config: MetricCheckConfig, ctx: PlanContext): AssembledMetricCheck | string {
  try {
    return assembleMetricCheck(config, ctx);
  } catch (error) {
    if (error instanceof MetricConfigError) return error.message;
    throw error;
  }
}

export const metricCheck = defineCheck({
  type: 'metric',
  description: 'Measures a metric from Prometheus, Datadog or an HTTP JSON endpoint against limits, a baseline, or a canary judgement',
  config: metricCheckConfigSchema,
  plan: (config, ctx) => {
    const assembled = assembleOrExplain(config, ctx);
    if (typeof assembled === 'string') return { summary: `metric ${config.metric ?? ctx.name}`, problems: [assembled] };
    const condition = assembled.condition ? ` — pass when ${assembled.condition}` : '';
    return {
      summary:
        `${assembled.metric}: ${assembled.queries.join('; ')}${condition}; ` +
        describeCadence(assembled.cadence, ctx.stage, assembled.deadline),
      problems: assembled.problems,
    };
  },
  run: async (config, ctx) => {
    const assembled = assembleOrExplain(config, ctx);
    if (typeof assembled === 'string') return { passed: false, message: `configuration error: ${assembled}` };
    const query = assembled.queries.join('; ');
    const measure = assembled.measure;
    if (!measure)
      return { passed: false, message: `${assembled.metric}: configuration error: ${assembled.problems.join('; ')}; query: ${query}` };
    const outcome = await measureLoop(assembled.cadence, measure, {
      stage: ctx.stage,
      signal: ctx.signal,
      commandDone: ctx.commandDone,
      onMeasurement: (measurement) => {
        ctx.log(measurement.text);
        ctx.emit({
          type: 'measurement',
          phase: ctx.phase,
          check: ctx.name,
          metric: assembled.metric,
          query,
          value: measurement.value,
          verdict: measurement.verdict,
          condition: assembled.condition,
          message: measurement.text,
          bounds: assembled.bounds,
        });
      },
    });
    return {
      passed: outcome.passed,
      // Every failure names the metric, the value, the condition and the count (in the loop's text) and the query.
      message: outcome.passed ? outcome.message : `${outcome.message}; query: ${query}`,
      value: outcome.last?.value ?? undefined,
      threshold: assembled.condition,
    };
  },
});
