import type { PlanContext } from '../checks/check';
import { expandDeep, expandTemplate, TemplateError } from '../spec/template';
import type { Cadence, MetricCheckConfig, MetricRequest, ProviderKind, ResolvedMetric } from './schema';
import type { Measurement } from './measure-loop';
import { baselineRequest, canaryRequest, resolveCheck } from './resolve';
import { describeCondition } from './evaluate';
import { judgementMeasure } from './measure-judgement';
import { valueMeasure } from './measure-value';
import { templateScope } from './scope';
import { createProvider } from './providers/registry';
import { ProviderError, type MetricProvider } from './providers/provider';

export interface PreparedCheck {
  /** The metric's name, or "judgement(a, b)". */
  metric: string;
  /** Every query as it will be sent, templates filled in. */
  queries: string[];
  condition: string;
  bounds?: { min?: number; max?: number };
  cadence: Cadence;
  /** What keeps the check from running: a missing URL or key, an unknown template variable. */
  problems: string[];
  /** Absent when there are problems. */
  measure?: (signal: AbortSignal) => Promise<Measurement>;
}

/** Builds providers and fills in templates, collecting what is missing instead of stopping at the first. */
class Preparation {
  readonly problems: string[] = [];
  private readonly providers = new Map<ProviderKind, MetricProvider | undefined>();
  private readonly scope: Record<string, string | undefined>;
  private readonly baseUrl?: string;

  constructor(private readonly ctx: PlanContext) {
    this.scope = templateScope(ctx);
    this.baseUrl = ctx.launch.base_url ? this.expand(ctx.launch.base_url, (text) => expandTemplate(text, this.scope)) : undefined;
  }

  private expand<T>(value: T, fill: (value: T) => T): T {
    try {
      return fill(value);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.problems.push(error.message);
      return value;
    }
  }

  provider(kind: ProviderKind): MetricProvider | undefined {
    if (!this.providers.has(kind)) {
      try {
        this.providers.set(kind, createProvider(kind, { launch: this.ctx.launch, settings: this.ctx.settings, baseUrl: this.baseUrl }));
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        this.problems.push(error.message);
        this.providers.set(kind, undefined);
      }
    }
    return this.providers.get(kind);
  }

  request(request: MetricRequest): MetricRequest {
    return this.expand(request, (value) => expandDeep(value, this.scope));
  }

  describe(request: MetricRequest): string {
    const provider = this.provider(request.provider);
    return provider ? provider.describe(request) : `${request.provider} ${request.query ?? JSON.stringify(request.queries)}`;
  }
}

function boundsOf(metric: ResolvedMetric): PreparedCheck['bounds'] {
  return metric.min === undefined && metric.max === undefined ? undefined : { min: metric.min, max: metric.max };
}

/** Everything a metric check needs to plan or run. Throws MetricConfigError when the spec itself is wrong. */
export function prepareCheck(config: MetricCheckConfig, ctx: PlanContext): PreparedCheck {
  const resolved = resolveCheck(config, ctx.launch, ctx.name);
  const prep = new Preparation(ctx);

  if (resolved.mode === 'value') {
    const { metric, cadence } = resolved;
    const provider = prep.provider(metric.provider);
    const canary = prep.request(canaryRequest(metric));
    const baselineTemplate = baselineRequest(metric);
    const baseline = baselineTemplate && prep.request(baselineTemplate);
    return {
      metric: metric.name,
      queries: [prep.describe(canary), ...(baseline ? [`baseline ${prep.describe(baseline)}`] : [])],
      condition: describeCondition(metric),
      bounds: boundsOf(metric),
      cadence,
      problems: prep.problems,
      measure: provider && !prep.problems.length ? valueMeasure(metric, provider, canary, baseline) : undefined,
    };
  }

  const { metrics, judge, cadence } = resolved;
  const items = metrics.map((metric) => ({
    metric,
    provider: prep.provider(metric.provider),
    canary: prep.request(canaryRequest(metric)),
    baseline: prep.request(baselineRequest(metric)!),
  }));
  const ready = items.every((item) => item.provider) && !prep.problems.length;
  return {
    metric: `judgement(${metrics.map((metric) => metric.name).join(', ')})`,
    queries: items.flatMap((item) => [`${item.metric.name}: ${prep.describe(item.canary)}`, `${item.metric.name} baseline: ${prep.describe(item.baseline)}`]),
    condition: `Mann-Whitney score ≥ ${judge.pass} passes, below ${judge.marginal} fails`,
    bounds: { min: judge.marginal },
    cadence,
    problems: prep.problems,
    measure: ready ? judgementMeasure(items.map((item) => ({ ...item, provider: item.provider! })), judge, cadence.no_data) : undefined,
  };
}
