import { z } from 'zod';
import { defineCheck } from '../checks/check';

// PLACEHOLDER: replaced by the metrics work (fails until then).
export const metricCheck = defineCheck({
  type: 'metric',
  description: 'metric',
  config: z.object({}).passthrough(),
  plan: () => ({ summary: 'metric', problems: ['not implemented yet'] }),
  run: async () => ({ passed: false, message: 'metric is not implemented yet' }),
});
