import { z } from 'zod';
import { specSchema } from './schema';

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  const?: unknown;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  [key: string]: unknown;
};

let cached: JsonSchema | undefined;

/** Where the committed JSON Schema lives, relative to the repository root. */
export const SCHEMA_PATH = 'schema/launch-spec.schema.json';

/** The JSON Schema of a spec file as a user writes it (the input side of the zod schema). */
export function specJsonSchema(): JsonSchema {
  // Shared pieces (check kinds, metric settings) become $defs: inline they made the file over a megabyte.
  cached ??= z.toJSONSchema(specSchema, { io: 'input', unrepresentable: 'any', reused: 'ref' }) as JsonSchema;
  return cached;
}

/** The committed file's text: the schema with a title, for editors (yaml-language-server, VS Code). */
export function renderSpecJsonSchema(): string {
  const schema = {
    ...specJsonSchema(),
    title: 'launch-action launch spec',
    $id: 'https://github.com/org/launch-action/schema/launch-spec.schema.json',
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/**
 * The keys allowed at `path` in a spec, read off the JSON Schema; `valueAt` gives the document's value
 * at a path, so that unions (check kinds, metrics) pick the branch whose `type` or `provider` matches.
 */
export function allowedKeysAt(path: readonly PropertyKey[], valueAt: (path: readonly PropertyKey[]) => unknown): string[] {
  let node = deref(specJsonSchema());
  for (let i = 0; i < path.length; i++) {
    node = pickBranch(node, path.slice(0, i), valueAt);
    const segment = path[i]!;
    // A map of named entries (launch.metrics) has its entries' schema as additionalProperties.
    const entries = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    const next = typeof segment === 'number' ? node.items : (node.properties?.[String(segment)] ?? entries);
    if (!next) return [];
    node = deref(next);
  }
  return Object.keys(pickBranch(node, path, valueAt).properties ?? {});
}

function deref(node: JsonSchema): JsonSchema {
  const name = node.$ref?.replace(/^#\/\$defs\//, '');
  return name ? deref(specJsonSchema().$defs?.[name] ?? {}) : node;
}

/**
 * In a union, the object branch whose constant (its discriminator: a check's `type`, a metric's
 * `provider`) is the document's value there.
 */
function pickBranch(node: JsonSchema, path: readonly PropertyKey[], valueAt: (path: readonly PropertyKey[]) => unknown): JsonSchema {
  const branches = node.anyOf ?? node.oneOf;
  if (!branches) return node;
  const objects = branches.map(deref).filter((branch) => branch.properties);
  const matches = (branch: JsonSchema): boolean =>
    Object.entries(branch.properties ?? {}).some(([key, field]) => {
      const constant = deref(field).const;
      return constant !== undefined && constant === valueAt([...path, key]);
    });
  return objects.find(matches) ?? objects[0] ?? node;
}
