import { z } from 'zod';

// Built on first use (z.lazy), with the strategies that use them.

/** `5` instances or `25%` of the pool, as Kubernetes' maxUnavailable reads. */
export const countOrPercentSchema = z.lazy(() =>
  z.union([
    z.number().int().positive(),
    z.string().regex(/^\d+(\.\d+)?%$/, 'expected a count such as 2 or a percentage such as "10%"'),
  ]),
);
export type CountOrPercent = z.output<typeof countOrPercentSchema>;

/** A share of the pool: 0.1 or "10%". */
export const shareSchema = z.lazy(() =>
  z.union([
    z.number().min(0).max(1),
    z.string().regex(/^\d+(\.\d+)?%$/, 'expected a share such as 0.1 or "10%"'),
  ]),
);
export type Share = z.output<typeof shareSchema>;

function fraction(value: string): number {
  return Number(value.slice(0, -1)) / 100;
}

export interface RollingSizes {
  batchSize: number;
  /** Failed instances tolerated before the launch rolls back. */
  toleratedFailures: number;
}

/**
 * Turns the spec's counts and shares into numbers for a pool of `total` instances. A percentage
 * batch rounds up (a batch is at least one instance); tolerated failures and max_unavailable round
 * down, so neither is ever more permissive than the spec says.
 */
export function rollingSizes(
  total: number,
  spec: { batch_size: CountOrPercent; max_failed: Share; max_unavailable?: CountOrPercent },
): RollingSizes {
  const batchSize = Math.min(total, typeof spec.batch_size === 'number' ? spec.batch_size : Math.max(1, Math.ceil(total * fraction(spec.batch_size))));
  const share = typeof spec.max_failed === 'number' ? spec.max_failed : fraction(spec.max_failed);
  const toleratedFailures = Math.floor(total * share + 1e-9);
  if (spec.max_unavailable !== undefined) {
    const maxUnavailable = typeof spec.max_unavailable === 'number' ? spec.max_unavailable : Math.floor(total * fraction(spec.max_unavailable) + 1e-9);
    // A failed instance that is tolerated stays out of service while the next batch is updated.
    if (batchSize + toleratedFailures > maxUnavailable) {
      throw new Error(
        `rolling: with batch_size ${batchSize} and up to ${toleratedFailures} tolerated failed instance(s) (max_failed), ` +
          `${batchSize + toleratedFailures} of ${total} instances could be out of service at once, above max_unavailable ${maxUnavailable}`,
      );
    }
  }
  return { batchSize, toleratedFailures };
}
