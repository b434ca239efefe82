import type { PlanContext } from './check';
import { expandTemplate, TemplateError } from '../util/template';
import type { Cadence, MetricCheckConfig, MetricRequest, ResolvedMetric } from '../metrics/definition/schema';
import { baselineRequest, canaryRequest, resolveCheck } from '../metrics/definition/resolve';
import { describeCondition } from '../metrics/verdicts/value-verdict';
import { judgementLabel, judgementMeasure } from '../metrics/measuring/judgement-measure';
import { valueMeasure } from '../metrics/measuring/value-measure';
import { withDeadline, type Measure } from '../metrics/measuring/measurement';
import { expandQuery, expandUrl, UnsafeValueError } from '../metrics/measuring/query-template';
import { appendPath, baseUrlTemplate, isAbsoluteUrl } from '../http/base-url';
import { templateScope } from './metric-scope';
import { findProviderKind, type ProviderName } from '../metrics/providers/registry';
import { ProviderError, type MetricProvider } from '../metrics/providers/provider';
import type { RequestFiller } from '../metrics/providers/provider-kind';

export interface AssembledMetricCheck {
  /** The metric's name, or "judgement(a, b)". */
  metric: string;
  /** Every query as it will be sent, templates filled in. */
  queries: string[];
  condition: string;
  bounds?: { min?: number; max?: number };
  cadence: Cadence;
  /** The most one measurement may take, tries included: the interval, or the provider timeout when longer. */
  deadline: number;
  /** What keeps the check from running: a missing URL or key, an unknown template variable. */
  problems: string[];
  /** Absent when there are problems. */
  measure?: Measure;
}

/** Finds the launch's providers and fills in the requests' templates, collecting what is missing instead of stopping at the first. */
class RequestAssembler {
  readonly problems: string[] = [];
  private readonly noted = new Set<ProviderName>();
  private readonly scope: Record<string, string | undefined>;
  private readonly fill: RequestFiller = {
    query: (template) => this.expand(() => expandQuery(template, this.scope)) ?? template,
    url: (template) => this.url(template),
    text: (template) => this.expand(() => expandTemplate(template, this.scope)) ?? template,
  };

  constructor(private readonly ctx: PlanContext) {
    this.scope = templateScope(ctx);
  }

  /** `fill()`, or undefined with the problem noted when a variable is unknown or its value unsafe. */
  private expand(fill: () => string): string | undefined {
    try {
      return fill();
    } catch (error) {
      if (!(error instanceof TemplateError || error instanceof UnsafeValueError)) throw error;
      this.problems.push(error.message);
      return undefined;
    }
  }

  /** A web metric's URL; a relative one resolves as a check's endpoint does (see http/base-url). */
  private url(template: string): string {
    const url = this.expand(() => expandUrl(template, this.scope));
    if (url === undefined || isAbsoluteUrl(url)) return url ?? template;
    if (this.ctx.launch.base_url === undefined && this.scope.BASE_URL === undefined) {
      this.problems.push(`relative URL ${url} needs launch.base_url or a BASE_URL launch variable`);
      return url;
    }
    const baseUrl = this.expand(() => expandUrl(baseUrlTemplate(this.ctx.launch), this.scope));
    return baseUrl === undefined ? url : appendPath(baseUrl, url);
  }

  provider(name: ProviderName): MetricProvider | undefined {
    const provider = this.ctx.launch.providers.get(name);
    if (!(provider instanceof ProviderError)) return provider;
    // Once per check, however many of its requests go to that provider.
    if (!this.noted.has(name)) this.problems.push(provider.message);
    this.noted.add(name);
    return undefined;
  }

  /** The request with its templates filled, as its provider says (query rules for queries, URL rules for URLs). */
  request(request: MetricRequest): MetricRequest {
    return findProviderKind(request.provider).expand(request, this.fill) as MetricRequest;
  }

  describe(request: MetricRequest): string {
    const provider = this.provider(request.provider);
    return provider ? provider.describe(request) : `${request.provider} ${findProviderKind(request.provider).text(request)}`;
  }
}

/** A measurement may take its interval, and never less than one request may take. */
function measurementDeadline(cadence: Cadence, metrics: readonly ResolvedMetric[], ctx: PlanContext): number {
  return Math.max(cadence.interval, ...metrics.map((metric) => ctx.launch.providers.timeout(metric.provider)));
}

function boundsOf(metric: ResolvedMetric): AssembledMetricCheck['bounds'] {
  return metric.min === undefined && metric.max === undefined ? undefined : { min: metric.min, max: metric.max };
}

/** Everything a metric check needs to plan or run. Throws MetricConfigError when the spec itself is wrong. */
export function assembleMetricCheck(config: MetricCheckConfig, ctx: PlanContext): AssembledMetricCheck {
  const resolved = resolveCheck(config, ctx.launch.metrics, ctx.name);
  const assembler = new RequestAssembler(ctx);

  if (resolved.mode === 'value') {
    const { metric, cadence } = resolved;
    const provider = assembler.provider(metric.provider);
    const canary = assembler.request(canaryRequest(metric));
    const baselineTemplate = baselineRequest(metric);
    const baseline = baselineTemplate && assembler.request(baselineTemplate);
    const deadline = measurementDeadline(cadence, [metric], ctx);
    return {
      metric: metric.name,
      queries: [assembler.describe(canary), ...(baseline ? [`baseline ${assembler.describe(baseline)}`] : [])],
      condition: describeCondition(metric),
      bounds: boundsOf(metric),
      cadence,
      deadline,
      problems: assembler.problems,
      measure:
        provider && !assembler.problems.length
          ? withDeadline(valueMeasure(metric, provider, canary, baseline), deadline, metric.name)
          : undefined,
    };
  }

  const { metrics, judge, cadence } = resolved;
  const items = metrics.map((metric) => ({
    metric,
    provider: assembler.provider(metric.provider),
    canary: assembler.request(canaryRequest(metric)),
    baseline: assembler.request(baselineRequest(metric)!),
  }));
  const ready = items.every((item) => item.provider) && !assembler.problems.length;
  const label = judgementLabel(metrics);
  const deadline = measurementDeadline(cadence, metrics, ctx);
  return {
    metric: label,
    queries: items.flatMap((item) => [
      `${item.metric.name}: ${assembler.describe(item.canary)}`,
      `${item.metric.name} baseline: ${assembler.describe(item.baseline)}`,
    ]),
    condition: `Mann-Whitney score ≥ ${judge.pass} passes, below ${judge.marginal} fails`,
    bounds: { min: judge.marginal },
    cadence,
    deadline,
    problems: assembler.problems,
    measure: ready
      ? withDeadline(
          judgementMeasure(
            items.map((item) => ({ ...item, provider: item.provider! })),
            judge,
            cadence.no_data,
          ),
          deadline,
          label,
        )
      : undefined,
  };
}
