import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderSpecJsonSchema, SCHEMA_PATH } from '../../src/spec/json-schema';

describe('JSON Schema of the spec', () => {
  it('is committed and matches the zod schema (run `npm run schema` after changing the spec)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(renderSpecJsonSchema());
  });

  it('describes phases, their template-form keys and the check kinds', () => {
    const schema = JSON.parse(renderSpecJsonSchema());
    const phase = schema.properties.launch.properties.phases.items;
    expect(Object.keys(phase.properties)).toEqual(expect.arrayContaining(['id', 'run', 'rollback', 'actions', 'timeout_ms', 'validators', 'gates', 'verify', 'watch']));
    expect(phase.additionalProperties).toBe(false);
    const kinds = phase.properties.gates.items.oneOf ?? phase.properties.gates.items.anyOf;
    expect(kinds.map((k: { properties: { type: { const: string } } }) => k.properties.type.const)).toEqual(
      expect.arrayContaining(['http_status', 'image_digest', 'schema_compatibility', 'feature_flag_evaluation', 'command']),
    );
  });
});
