import { z } from 'zod';

/** Launch-level notification settings (placeholder until the notifier work lands). */
export const notifyFields = {
  notify: z.object({}).strict().optional(),
};
