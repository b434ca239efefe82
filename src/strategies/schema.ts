import { strategySchema } from './registry';

/** Launch-level strategy settings: `strategy.type` picks one, its fields describe the launch's shape. */
export const strategyFields = {
  strategy: strategySchema.optional().meta({ description: 'A launch strategy that expands into phases (after any explicit phases)' }),
};
