import { z } from 'zod';
import { strategySchema } from './registry';

/** Launch-level strategy settings: `strategy.type` picks one, its fields describe the launch's shape. */
export const strategyFields = {
  // `.optional()` asks the schema it wraps whether it has a default, which would build every
  // strategy's (lazy) schema on the first parse of any spec. A pass-through preprocess answers for
  // it, so only a spec with a strategy pays for them. JSON Schema sees through the preprocess.
  strategy: z
    .preprocess((value) => value, strategySchema)
    .optional()
    .meta({ description: 'A launch strategy that expands into phases (after any explicit phases)' }),
};
