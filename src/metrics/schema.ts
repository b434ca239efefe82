import { z } from 'zod';

/** Launch-level fields for metric analysis (placeholder until the metrics work lands). */
export const metricsFields = {
  rollback_threshold: z
    .object({
      error_rate: z.number().optional(),
      latency_p99_ms: z.number().optional(),
      health_check_failures: z.number().int().optional(),
    })
    .strict()
    .optional(),
};
