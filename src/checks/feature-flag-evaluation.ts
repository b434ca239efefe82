import { z } from 'zod';
import { defineCheck } from './check';

// PLACEHOLDER: replaced by the real implementation (fails until then).
export const featureFlagEvaluationCheck = defineCheck({
  type: 'feature_flag_evaluation',
  description: 'feature_flag_evaluation',
  config: z.object({}).passthrough(),
  plan: () => ({ summary: 'feature_flag_evaluation', problems: ['not implemented yet'] }),
  run: async () => ({ passed: false, message: 'feature_flag_evaluation is not implemented yet' }),
});
