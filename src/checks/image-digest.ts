import { z } from 'zod';
import { defineCheck } from './check';

// PLACEHOLDER: replaced by the real implementation (fails until then).
export const imageDigestCheck = defineCheck({
  type: 'image_digest',
  description: 'image_digest',
  config: z.object({}).passthrough(),
  plan: () => ({ summary: 'image_digest', problems: ['not implemented yet'] }),
  run: async () => ({ passed: false, message: 'image_digest is not implemented yet' }),
});
