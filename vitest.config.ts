import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real servers (Prometheus, a registry) and child processes: two cores, so keep files few at once.
    maxWorkers: 2,
  },
});
