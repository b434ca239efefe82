import { z } from 'zod';
import { defineCheck } from './check';

// PLACEHOLDER: replaced by the real implementation (fails until then).
export const httpStatusCheck = defineCheck({
  type: 'http_status',
  description: 'http_status',
  config: z.object({}).passthrough(),
  plan: () => ({ summary: 'http_status', problems: ['not implemented yet'] }),
  run: async () => ({ passed: false, message: 'http_status is not implemented yet' }),
});
