/**
 * A fake `kubectl` for the Kubernetes router specs in the docs: just the two forms they use, against
 * objects kept as JSON files in $FAKE_KUBECTL_STATE. Anything else exits 1, so a spec that needs more
 * than the fake knows fails its test instead of passing on a guess.
 *
 *   kubectl apply -f -                                      stores each document; appends it to applied.jsonl
 *   kubectl get KIND NAME [-n NS] -o jsonpath='{.a.b[0].c}'  prints that field, as kubectl does (nothing when absent)
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

interface KubeObject {
  kind: string;
  metadata: { name: string; namespace?: string };
}

const state = process.env.FAKE_KUBECTL_STATE;
if (!state) fail('FAKE_KUBECTL_STATE is not set');

function fail(message: string): never {
  process.stderr.write(`fake kubectl: ${message}\n`);
  process.exit(1);
}

/** The value of `-n`/`--namespace` or `-o`, in either the spaced or the `=` form. */
function option(args: string[], names: string[]): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (names.includes(arg)) return args[i + 1];
    const joined = names.find((name) => arg.startsWith(`${name}=`));
    if (joined) return arg.slice(joined.length + 1);
  }
  return undefined;
}

function objectFile(kind: string, name: string, namespace = 'default'): string {
  return join(state!, `${kind.toLowerCase()}.${namespace}.${name}.json`);
}

/** `{.spec.rules[0].backendRefs[1].weight}`: dotted fields and [n] indices, the subset the specs use. */
function atJsonPath(value: unknown, expression: string): unknown {
  const inner = /^\{(\.[^{}]*)\}$/.exec(expression)?.[1];
  if (!inner || !/^(\.[A-Za-z0-9_-]+(\[\d+\])*)+$/.test(inner)) fail(`unsupported jsonpath ${expression}`);
  const steps = [...inner.matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)].map((match) => match[1] ?? Number(match[2]));
  return steps.reduce<unknown>(
    (node, step) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined),
    value,
  );
}

function apply(args: string[]): void {
  if (option(args, ['-f', '--filename']) !== '-') fail('only `apply -f -` is supported');
  for (const document of parseAllDocuments(readFileSync(0, 'utf8'))) {
    if (document.errors.length > 0) fail(`the manifest is not YAML: ${document.errors[0]!.message}`);
    const object = document.toJSON() as KubeObject | null;
    if (!object?.kind || !object.metadata?.name) fail('a manifest without kind or metadata.name');
    const namespace = option(args, ['-n', '--namespace']) ?? object.metadata.namespace;
    writeFileSync(objectFile(object.kind, object.metadata.name, namespace), JSON.stringify(object));
    appendFileSync(join(state!, 'applied.jsonl'), `${JSON.stringify(object)}\n`);
    process.stdout.write(`${object.kind.toLowerCase()}/${object.metadata.name} configured\n`);
  }
}

function get(args: string[]): void {
  const [kind, name] = args.filter((arg, i) => !arg.startsWith('-') && !['-n', '--namespace', '-o'].includes(args[i - 1] ?? ''));
  const output = option(args, ['-o', '--output']);
  if (!kind || !name || !output?.startsWith('jsonpath=')) fail('only `get KIND NAME -o jsonpath=...` is supported');
  const file = objectFile(kind, name, option(args, ['-n', '--namespace']));
  if (!existsSync(file)) fail(`Error from server (NotFound): ${kind} "${name}" not found`);
  const value = atJsonPath(JSON.parse(readFileSync(file, 'utf8')), output.slice('jsonpath='.length));
  if (value !== undefined) process.stdout.write(typeof value === 'string' ? value : JSON.stringify(value));
}

const [verb, ...rest] = process.argv.slice(2);
if (verb === 'apply') apply(rest);
else if (verb === 'get') get(rest);
else fail(`unsupported command: ${verb}`);
