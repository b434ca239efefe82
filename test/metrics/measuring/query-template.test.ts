import { describe, expect, it } from 'vitest';
import { expandQuery, expandUrl, UnsafeValueError } from '../../../src/metrics/measuring/query-template';
import { TemplateError } from '../../../src/util/template';
import { measurements, metricContext, planMetric, prometheusAt, runMetric } from '../context';

const INJECTION = '2.0"}) or vector(0';
const ERROR_RATE = 'sum(rate(x{version="${version}"}[1m]))';

const refused = (fill: () => string): string => {
  try {
    fill();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeValueError);
    return (error as Error).message;
  }
  throw new Error('the value was accepted');
};

describe('query templates refuse values that could change the query', () => {
  it("the reviewer's injection fails plan and run, naming the variable without showing the value", async () => {
    const ctx = metricContext({}, { settings: { ...prometheusAt('http://127.0.0.1:9'), version: INJECTION } });
    const check = { provider: 'prometheus', query: ERROR_RATE, max: 0.02 };
    const plan = planMetric(check, ctx);
    expect(plan.problems).toEqual([
      `\${version} in ${JSON.stringify(ERROR_RATE)} has a value (18 characters, not shown)` +
        ` containing "\\"", "}", ")", " ", "("` +
        `, which could change the query; a value here may hold only letters, digits and . _ : / @ + -`,
    ]);
    const result = await runMetric(check, ctx);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^check: configuration error: \$\{version\} in /);
    expect(measurements(ctx)).toEqual([]);
    expect(plan.problems.join() + result.message).not.toContain('or vector(0');
  });

  it('applies to Datadog queries and baseline queries alike', () => {
    const ctx = metricContext(
      { providers: { datadog: { url: 'http://127.0.0.1:9' } } },
      { settings: { datadog: { site: 'datadoghq.com', apiKey: 'k', appKey: 'a' }, version: 'v2', previousVersion: 'v1,env:staging' } },
    );
    const check = {
      provider: 'datadog',
      queries: { errors: 'sum:errors{version:${version}}', hits: 'sum:hits{version:${version}}' },
      formula: 'errors / hits',
      max: 0.02,
    };
    const plan = planMetric(
      {
        ...check,
        baseline: { queries: { errors: 'sum:errors{version:${previous_version}}', hits: 'sum:hits{version:v1}' }, max_ratio: 2 },
      },
      ctx,
    );
    expect(plan.problems).toEqual([
      expect.stringMatching(
        /^\$\{previous_version\} in "sum:errors\{version:\$\{previous_version\}\}" has a value \(14 characters, not shown\) containing ","/,
      ),
    ]);
  });

  it('inside quotes or a {…} filter: versions, branch names and image references pass', () => {
    const scope = { a: 'v1.2.3+build.5', b: 'feature/login-form', c: 'repo/app:1.0@sha256:ab12', d: 'us-east-1' };
    expect(expandQuery('x{a="${a}",b=\'${b}\'} + y{c="${c}"}', scope)).toBe(
      'x{a="v1.2.3+build.5",b=\'feature/login-form\'} + y{c="repo/app:1.0@sha256:ab12"}',
    );
    expect(expandQuery('avg:trace.hits{service:web,region:${d},version:${a}}', scope)).toBe(
      'avg:trace.hits{service:web,region:us-east-1,version:v1.2.3+build.5}',
    );
  });

  it.each([
    ['a quote that closes the label value', 'x{version="${v}"}', 'v2"} or vector(0) #'],
    ['a comma that adds a Datadog tag', 'avg:m{version:${v}}', 'v2,env:staging'],
    ['a Datadog boolean filter', 'avg:m{version:${v}}', 'v2 OR version:*'],
    ['a backslash escape', 'x{version="${v}"}', 'v2\\"'],
    ['a repeat in a regex matcher, which would match every version', 'x{version=~"${v}"}', '.+'],
    ['arithmetic outside strings', 'sum(rate(x[1m])) > ${v}', '1/0'],
    ['a subquery in a range', 'rate(x[${v}])', '5m:1s'],
    ['a closing brace in a JSON body', '{"version": "${v}"}', 'x","admin":true,"y":"'],
  ])('refuses %s', (_why, template, value) => {
    const message = refused(() => expandQuery(template, { v: value }));
    expect(message).toMatch(/^\$\{v\} in .* has a value \(\d+ characters, not shown\) containing .*, which could change the query/);
    expect(message).not.toContain(value);
  });

  it('outside strings and filters only letters, digits, . and _: a window, a number, a metric name', () => {
    expect(expandQuery('rate(app_${m}_total[${w}]) > ${n}', { m: 'http', w: '5m', n: '0.02' })).toBe('rate(app_http_total[5m]) > 0.02');
    expect(refused(() => expandQuery('x > ${n}', { n: '-1' }))).toMatch(/may hold only letters, digits, \. and _$/);
  });

  it('refuses an empty value (version="" selects series without a version), and unknown names stay a TemplateError', () => {
    expect(refused(() => expandQuery('x{version="${v}"}', { v: '' }))).toMatch(/^\$\{v\} in .* is empty/);
    expect(() => expandQuery('x{version="${v}"}', {})).toThrow(TemplateError);
  });

  it('URLs: a variable may hold the whole base URL at the start; elsewhere only a plain segment', () => {
    expect(expandUrl('${SERVICE_URL}/stats', { SERVICE_URL: 'https://user:pw@api.example.com:8443/v1' })).toBe(
      'https://user:pw@api.example.com:8443/v1/stats',
    );
    expect(expandUrl('https://${env}.example.com/canary/${v}/health', { env: 'eu-1', v: 'v2.0_rc' })).toBe(
      'https://eu-1.example.com/canary/v2.0_rc/health',
    );
    expect(refused(() => expandUrl('https://${env}.example.com/health', { env: 'evil.test/' }))).toMatch(
      /containing "\/", .*letters, digits and \. _ -$/,
    );
    expect(refused(() => expandUrl('https://${env}.example.com/health', { env: 'x@evil.test' }))).toMatch(/containing "@"/);
    expect(refused(() => expandUrl('/previews/${v}/health', { v: '..' }))).toMatch(/is only dots, which would walk up the URL path$/);
    expect(refused(() => expandUrl('/stats?version=${v}', { v: 'v2&admin=1' }))).toMatch(/containing "&", "="/);
  });
});
