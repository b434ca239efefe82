// Writes schema/launch-spec.schema.json from the zod schema, so editors can complete and check specs.
// A test fails when the committed file differs from what this would write.
import { writeFileSync } from 'node:fs';
import { renderSpecJsonSchema, SCHEMA_PATH } from '../src/spec/json-schema';

writeFileSync(SCHEMA_PATH, renderSpecJsonSchema());
console.log(`wrote ${SCHEMA_PATH}`);
