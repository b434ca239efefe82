import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderSpecJsonSchema, SCHEMA_PATH } from '../../src/spec/json-schema';

describe('JSON Schema of the spec', () => {
  it('is committed and matches the zod schema (run `npm run schema` after changing the spec)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(renderSpecJsonSchema());
  });

  it('describes phases, their template-form keys and the check kinds', () => {
    const schema = JSON.parse(renderSpecJsonSchema());
    type Node = {
      $ref?: string;
      properties?: Record<string, Node>;
      items?: Node;
      oneOf?: Node[];
      anyOf?: Node[];
      additionalProperties?: unknown;
      const?: string;
    };
    const deref = (node: Node): Node => (node.$ref ? deref(schema.$defs[node.$ref.replace('#/$defs/', '')]) : node);
    const launch = deref(deref(schema).properties!.launch!);
    const phase = deref(deref(launch.properties!.phases!).items!);
    expect(Object.keys(phase.properties!)).toEqual(
      expect.arrayContaining(['id', 'run', 'rollback', 'actions', 'timeout_ms', 'validators', 'gates', 'verify', 'watch']),
    );
    expect(phase.additionalProperties).toBe(false);
    const check = deref(deref(phase.properties!.gates!).items!);
    const kinds = (check.oneOf ?? check.anyOf)!.map(deref);
    expect(kinds.map((kind) => deref(kind.properties!.type!).const)).toEqual(
      expect.arrayContaining(['http_status', 'image_digest', 'schema_compatibility', 'feature_flag_evaluation', 'command', 'metric']),
    );
  });
});
