import { z } from 'zod';

/** Launch-level strategy settings (placeholder until the strategy work lands). */
export const strategyFields = {
  strategy: z.object({}).strict().optional(),
};
