import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSpec, loadSpecFile } from '../../src/spec/load';
import { SpecError, type SpecProblem } from '../../src/spec/problems';
import { SEED_SPEC } from '../support/seed';

function problemsOf(yaml: string): SpecProblem[] {
  try {
    parseSpec(yaml, 'launch.yml');
  } catch (error) {
    if (error instanceof SpecError) return error.problems;
    throw error;
  }
  throw new Error('expected the spec to be rejected');
}

describe('spec loader', () => {
  it('accepts the product brief template unchanged and maps it to the model', () => {
    const { launch } = loadSpecFile(SEED_SPEC);
    expect(launch.environment).toBe('production');
    expect(launch.phases.map((p) => p.id)).toEqual(['migration', 'deploy', 'health', 'traffic']);
    const deploy = launch.phases[1]!;
    expect(deploy).toMatchObject({
      name: 'Artifact Deployment',
      run: 'deploy --image ${IMAGE_TAG}',
      rollback: 'deploy --image ${PREVIOUS_IMAGE_TAG}',
      timeoutMs: 60_000,
      rollbackOnFailure: true,
    });
    expect(deploy.gates[0]).toMatchObject({ type: 'image_digest', name: 'image_digest' });
    expect(launch.phases[2]!.gates[0]!.config).toMatchObject({ endpoint: '/health', expected: 200, retries: 3 });
    expect(launch.rollback_threshold).toMatchObject({ error_rate: 0.02, latency_p99_ms: 800, health_check_failures: 3 });
  });

  it('loads the native form into the same model', () => {
    const launch = parseSpec(
      `
launch:
  environment: staging
  defaults: { timeout: 2m }
  phases:
    - id: deploy
      run: ./deploy.sh
      rollback: ./undo.sh
      timeout: 1h30m
      gates: [{ type: command, command: ./ready.sh }]
    - id: smoke
      run: ./smoke.sh
`,
      'native.yml',
    );
    expect(launch.phases[0]).toMatchObject({
      run: './deploy.sh',
      rollback: './undo.sh',
      timeoutMs: 5_400_000,
      rollbackTimeoutMs: 5_400_000,
    });
    expect(launch.phases[0]!.gates[0]).toEqual({ type: 'command', name: 'command', config: { command: './ready.sh', timeout: 60_000 } });
    expect(launch.phases[1]!.timeoutMs).toBe(120_000);
  });

  it('names the line, column and key of a bad duration', () => {
    const [problem] = problemsOf(`launch:
  phases:
    - id: a
      run: x
    - id: b
      run: y
    - id: c
      run: z
      timeout_ms: -5
`);
    expect(problem).toMatchObject({ file: 'launch.yml', line: 9, column: 19, path: 'launch.phases[2].timeout_ms' });
    expect(problem!.message).toBe('expected a positive duration like 30s, 5m, 1h30m or milliseconds, got -5');
  });

  it('suggests the key meant for an unknown key, pointing at the key itself', () => {
    const [problem] = problemsOf(`launch:
  phases:
    - id: a
      rollback_on_failre: true
`);
    expect(problem).toMatchObject({ line: 4, column: 7, path: 'launch.phases[0].rollback_on_failre' });
    expect(problem!.message).toBe("unknown key 'rollback_on_failre' (did you mean 'rollback_on_failure'?)");
  });

  it('suggests keys inside a check config written in the template form', () => {
    const [problem] = problemsOf(`launch:
  phases:
    - id: a
      validators:
        - type: http_status
          config: { endpoint: /health, expectd: 200 }
`);
    expect(problem).toMatchObject({ line: 6, path: 'launch.phases[0].validators[0].config.expectd' });
    expect(problem!.message).toContain("did you mean 'expected'?");
  });

  it('rejects an unknown check type with a suggestion', () => {
    const [problem] = problemsOf(`launch:
  phases:
    - id: a
      validators:
        - type: http_stat
`);
    expect(problem).toMatchObject({ line: 5, path: 'launch.phases[0].validators[0].type' });
    expect(problem!.message).toMatch(/^unknown check type "http_stat" \(did you mean 'http_status'\?\); expected one of: /);
    expect(problem!.message).toContain('command, metric');
  });

  it('rejects an unknown strategy type, listing the strategies', () => {
    const [problem] = problemsOf(`launch:
  strategy:
    type: rollin
    instances: [a]
`);
    expect(problem).toMatchObject({ line: 3, path: 'launch.strategy.type' });
    expect(problem!.message).toBe(
      `unknown strategy type "rollin" (did you mean 'rolling'?)` +
        `; expected one of: rolling, blue_green, canary, feature_flag, expand_contract`,
    );
  });

  it('rejects an unknown router type at its line, listing the routers', () => {
    const [problem] = problemsOf(`launch:
  strategy:
    type: canary
    deploy: 'true'
    remove: 'true'
    router: { type: ngnix, file: /etc/nginx/up.conf }
    steps: [{ set_weight: 10 }]
`);
    expect(problem).toMatchObject({ file: 'launch.yml', line: 6, path: 'launch.strategy.router.type' });
    expect(problem!.message).toBe(`unknown router type "ngnix" (did you mean 'nginx'?); expected one of: command, nginx, haproxy, http`);
  });

  it('rejects duplicate phase ids, naming both', () => {
    const [problem] = problemsOf(`launch:
  phases:
    - { id: deploy, run: a }
    - { id: deploy, run: b }
`);
    expect(problem).toMatchObject({ line: 4, path: 'launch.phases[1].id' });
    expect(problem!.message).toBe("duplicate phase id 'deploy' (first used by phases[0])");
  });

  it('rejects an empty phase list', () => {
    const [problem] = problemsOf(`launch:
  environment: prod
  phases: []
`);
    expect(problem).toMatchObject({ line: 3, path: 'launch.phases' });
    expect(problem!.message).toContain('expected at least one phase');
  });

  it('reports a missing required key on its parent', () => {
    const [problem] = problemsOf(`launch:
  phases:
    - run: echo
`);
    expect(problem).toMatchObject({ line: 3, path: 'launch.phases[0].id' });
    expect(problem!.message).toBe('required, expected string');
  });

  it('reports YAML syntax errors with their position', () => {
    const [problem] = problemsOf('launch:\n  phases:\n    - id: a\n     run: [unclosed\n');
    expect(problem!.line).toBeGreaterThanOrEqual(3);
    expect(problem!.message).toMatch(/^YAML: /);
  });

  it('reports a wrong type with the value found', () => {
    const [problem] = problemsOf(`launch:
  phases:
    - id: a
      rollback_on_failure: "yes"
`);
    expect(problem).toMatchObject({ line: 4, column: 28, path: 'launch.phases[0].rollback_on_failure' });
    expect(problem!.message).toBe('expected boolean, got "yes"');
  });

  it('holds a named metric to its own provider: the provider is required and known, and the fields are its own', () => {
    const problems = problemsOf(`launch:
  metrics:
    orders: { query: 'sum(rate(orders_total[1m]))', max: 5 }
    errors: { provider: promethus, query: 'x' }
    latency: { provider: datadog, queries: { p99: 'p99:trace.http' }, formla: 'p99 * 1000' }
    health: { provider: prometheus, query: 'up', select: 'data.ok' }
  phases: [{ id: a }]
`);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 3,
        path: 'launch.metrics.orders.provider',
        message: 'missing metric provider (expected one of: prometheus, datadog, web)',
      }),
      expect.objectContaining({
        line: 4,
        path: 'launch.metrics.errors.provider',
        message: `unknown metric provider "promethus" (did you mean 'prometheus'?); expected one of: prometheus, datadog, web`,
      }),
      // Suggested from Datadog's own fields: only a datadog metric has a formula.
      expect.objectContaining({
        line: 5,
        path: 'launch.metrics.latency.formla',
        message: "unknown key 'formla' (did you mean 'formula'?)",
      }),
      expect.objectContaining({ line: 6, path: 'launch.metrics.health.select', message: "unknown key 'select'" }),
    ]);
  });

  it("holds a baseline to its provider's request fields: Datadog's queries are for Datadog", () => {
    const [problem] = problemsOf(`launch:
  metrics:
    errors:
      provider: prometheus
      query: 'x'
      baseline: { queries: { a: 'y' }, max_ratio: 2 }
  phases: [{ id: a }]
`);
    expect(problem).toMatchObject({ line: 6, path: 'launch.metrics.errors.baseline.queries', message: "unknown key 'queries'" });
  });

  it("rejects a check's field that belongs to another provider than the one it names, at the field", () => {
    const [problem] = problemsOf(`launch:
  phases:
    - id: a
      gates:
        - type: metric
          config:
            provider: prometheus
            query: 'up'
            max: 1
            select: 'data.ok'
`);
    expect(problem).toMatchObject({ line: 10, path: 'launch.phases[0].gates[0].select', message: 'select is for web metrics' });
  });

  it('suggests keys for every check kind, not only the first', () => {
    const problems = problemsOf(`launch:
  phases:
    - id: a
      gates:
        - { type: image_digest, digestt: "sha256:x" }
        - { type: feature_flag_evaluation, flags: [x], flgs: [x] }
`);
    expect(problems.map((p) => p.message)).toEqual([
      "unknown key 'digestt' (did you mean 'digest'?)",
      "unknown key 'flgs' (did you mean 'flags'?)",
    ]);
  });

  it('suggests the value meant for a mistyped choice', () => {
    const [problem] = problemsOf(`launch:
  phases:
    - id: a
      gates: [{ type: http_status, endpoint: /h, method: GTE }]
`);
    expect(problem!.message).toBe('expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "GTE" (did you mean \'GET\'?)');
  });

  it('shows the value that broke a bound or matched no form', () => {
    const problems = problemsOf(`launch:
  phases:
    - id: a
      gates: [{ type: http_status, endpoint: /h, retries: -1, expected: abc }]
`);
    expect(problems.map((p) => p.message)).toEqual(
      expect.arrayContaining(['Too small: expected number to be >=1, got -1', 'expected number or array, got "abc"']),
    );
  });

  it('reports duplicate ids together with the other problems', () => {
    const problems = problemsOf(`launch:
  phases:
    - { id: a, run: x, timeout: never }
    - { id: a, run: y }
`);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^expected a positive duration/),
      "duplicate phase id 'a' (first used by phases[0])",
    ]);
  });

  it('names a missing spec file', () => {
    expect(() => loadSpecFile('/nonexistent/launch.yml')).toThrow(
      /nonexistent\/launch.yml:1:1: cannot read the launch spec: file not found/,
    );
  });

  it('keeps the template text of commands intact for the shell', () => {
    const text = readFileSync(SEED_SPEC, 'utf8');
    expect(text).toContain('${IMAGE_TAG}');
    expect(loadSpecFile(SEED_SPEC).launch.phases[1]!.run).toBe('deploy --image ${IMAGE_TAG}');
  });
});

describe('malformed specs are refused with a line', () => {
  const line = (p: SpecProblem): string => `${p.line}:${p.column} ${p.path ? `${p.path}: ` : ''}${p.message}`;

  it.each([
    ['an empty file', '', '1:1 launch: required, expected object'],
    ['{}', '{}', '1:1 launch: required, expected object'],
    ['an empty launch:', 'launch:\n', '1:8 launch: expected object, got null'],
  ])('%s', (_what, yaml, expected) => {
    expect(problemsOf(yaml).map(line)).toEqual([expected]);
  });

  it('an alias with no anchor, naming the alias', () => {
    expect(problemsOf('launch:\n  phases: *steps\n').map(line)).toEqual(['2:11 YAML: alias *steps has no anchor &steps before it']);
  });

  it.each([100, 5000])('%i levels of nesting, in flow and block style', (depth) => {
    const flow = `launch: ${'['.repeat(depth)}${']'.repeat(depth)}`;
    const block = `launch:\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(2 * i + 2)}a:`).join('\n')} 1\n`;
    for (const yaml of [flow, block]) {
      const problems = problemsOf(yaml);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toBe('nested more than 64 levels deep');
      expect(problems[0]!.line).toBeGreaterThan(0);
    }
  });

  it('a key given twice in one mapping, at the second one, in one pass over a large spec', () => {
    const vars = Array.from({ length: 40_000 }, (_, i) => `    V${i}: x`).join('\n');
    const problems = problemsOf(`launch:\n  vars:\n${vars}\n    V17: again\n  phases: [{ id: a, run: "true" }]\n`);
    expect(problems.map(line)).toEqual(["40003:5 YAML: duplicate key 'V17'"]);
  });

  it('thresholds out of range: negative, or a rate above 1', () => {
    const problems = problemsOf(
      'launch:\n  rollback_threshold: { error_rate: -0.1, latency_p99_ms: -5, success_rate: 2 }\n  phases: [{ id: a, run: "true" }]\n',
    );
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'launch.rollback_threshold.error_rate: expected a threshold of 0 or more, got -0.1',
      'launch.rollback_threshold.latency_p99_ms: expected a threshold of 0 or more, got -5',
      'launch.rollback_threshold.success_rate: expected a rate between 0 and 1 (0.02 means 2 %), got 2',
    ]);
    expect(problems.every((p) => p.line === 2)).toBe(true);
  });

  it('durations a timer cannot hold (2^31 ms and more), stating the bound; the bound itself is accepted', () => {
    const spec = (timeout: string | number): string => `launch:\n  phases: [{ id: a, run: "true", timeout: ${timeout} }]\n`;
    expect(parseSpec(spec(2 ** 31 - 1), 'launch.yml').phases[0]!.timeoutMs).toBe(2 ** 31 - 1);
    for (const tooLong of [2 ** 31, '600h', '1000h']) {
      const [problem] = problemsOf(spec(tooLong));
      expect(problem!.path).toBe('launch.phases[0].timeout');
      expect(problem!.message).toMatch(/^expected at most 35791m24s \(2147483647 ms, the longest a timer can wait\), got/);
    }
  });
});
