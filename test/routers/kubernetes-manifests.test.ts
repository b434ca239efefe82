import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parse, stringify } from 'yaml';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { runSpec, eventsOf } from '../support/engine';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const docs = readFileSync(join(repo, 'docs/strategies.md'), 'utf8');
const section = docs.slice(docs.indexOf('### Kubernetes'), docs.indexOf('## feature_flag'));
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => parse(match[1]!) as Record<string, unknown>);

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/** The official schema of each kind the docs apply, and where its stable and canary weights are. */
const kinds: Record<
  string,
  { model: new (data: never) => { apiVersion: string; validate(): void }; weights(spec: never): Record<string, number | undefined> }
> = {
  HTTPRoute: {
    model: HTTPRoute,
    weights: (spec: { rules: { backendRefs: { name: string; weight?: number }[] }[] }) =>
      Object.fromEntries(spec.rules.flatMap((rule) => rule.backendRefs.map((ref) => [ref.name.replace(/^shop-/, ''), ref.weight]))),
  },
  VirtualService: {
    model: VirtualService,
    weights: (spec: { http: { route: { destination: { subset: string }; weight?: number }[] }[] }) =>
      Object.fromEntries(
        spec.http.flatMap((route) => route.route.map((destination) => [destination.destination.subset, destination.weight])),
      ),
  },
};

/** Throws, saying what, unless `manifest` is valid for its kind's CRD schema and names the schema's apiVersion. */
function validate(manifest: Manifest, model: new (data: never) => { apiVersion: string; validate(): void }): void {
  const object = new model(manifest as never);
  // The model fills in its own apiVersion, so a wrong one in the manifest would pass validate() unseen.
  expect(manifest.apiVersion).toBe(object.apiVersion);
  object.validate();
}

/** A fake kubectl on PATH (test/fakes/kubectl.ts), with its own state folder. */
function fakeKubectl(): { env: Record<string, string>; applied(): Manifest[]; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kubectl-'));
  const bin = join(dir, 'bin');
  writeFileSync(join(dir, 'applied.jsonl'), '');
  mkdirSync(bin);
  const loader = createRequire(import.meta.url).resolve('tsx');
  writeFileSync(
    join(bin, 'kubectl'),
    `#!/bin/sh\nexec "${process.execPath}" --import "${loader}" "${join(repo, 'test/fakes/kubectl.ts')}" "$@"\n`,
    { mode: 0o755 },
  );
  return {
    env: { PATH: `${bin}:${process.env.PATH}`, FAKE_KUBECTL_STATE: dir },
    applied: () =>
      readFileSync(join(dir, 'applied.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Manifest),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The documented spec's router in a canary that runs at once: its weight steps without the pauses,
 * then a failing analysis, so the rollback's reset to 0 is applied too. Deploy and remove are no-ops.
 */
function quickCanary(spec: Record<string, unknown>): { yaml: string; weights: number[] } {
  const strategy = (spec.launch as { strategy: { router: unknown; steps: { set_weight?: number }[] } }).strategy;
  const weights = strategy.steps.flatMap((step) => (step.set_weight === undefined ? [] : [step.set_weight]));
  const steps = [
    ...weights.map((weight) => ({ set_weight: weight })),
    { analysis: [{ type: 'command', name: 'breach', command: 'exit 1' }] },
  ];
  return {
    yaml: stringify({ launch: { strategy: { type: 'canary', deploy: 'true', remove: 'true', router: strategy.router, steps } } }),
    weights: [...weights, 0],
  };
}

describe('the Kubernetes router specs in docs/strategies.md', () => {
  const specs = blocks.filter((block) => 'launch' in block);

  it('documents a Gateway API and an Istio spec, and the DestinationRule the Istio one needs', () => {
    expect(
      specs.map(
        (spec) => (spec.launch as { strategy: { router: { set_weight: string } } }).strategy.router.set_weight.match(/kind: (\w+)/)?.[1],
      ),
    ).toEqual(['HTTPRoute', 'VirtualService']);
    const rule = blocks.find((block) => block.kind === 'DestinationRule') as unknown as Manifest;
    validate(rule, DestinationRule);
    expect((rule.spec as { subsets: { name: string }[] }).subsets.map((subset) => subset.name)).toEqual(['stable', 'canary']);
  });

  it.each(['HTTPRoute', 'VirtualService'])(
    '%s: every manifest the spec applies, at every weight, is valid for the CRD schema and read back',
    async (kind) => {
      const spec = specs.find((candidate) => JSON.stringify(candidate).includes(`kind: ${kind}`))!;
      const { yaml, weights } = quickCanary(spec);
      const kubectl = fakeKubectl();
      try {
        const { result, events } = await runSpec(yaml, { env: kubectl.env });
        // Each shift was read back through the documented read_weight, the reset to 0 as well.
        expect(result).toMatchObject({ status: 'rolled_back', failedPhase: expect.stringMatching(/\.analysis$/) });
        expect(eventsOf(events, 'rollback.phase').find((event) => event.phase === 'canary.step-1.weight-10')).toMatchObject({
          ok: true,
          skipped: false,
        });
        const applied = kubectl.applied();
        expect(applied.map((manifest) => manifest.kind === kind && kinds[kind]!.weights(manifest.spec as never))).toEqual(
          weights.map((weight) => ({ stable: 100 - weight, canary: weight })),
        );
        for (const manifest of applied) validate(manifest, kinds[kind]!.model);
      } finally {
        kubectl.remove();
      }
    },
    30_000,
  );
});
