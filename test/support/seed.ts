import { fileURLToPath } from 'node:url';

/**
 * The product brief's spec template (shared/examples/seed-launch-config.yaml), copied byte for byte
 * into the repository so that a plain clone tests it; it must keep working unchanged.
 */
export const SEED_SPEC = fileURLToPath(new URL('../fixtures/seed-launch-config.yaml', import.meta.url));
