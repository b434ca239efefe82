import { z } from 'zod';

// Built on first use (z.lazy), with the strategies that use them.

const PERCENT = /^\d+(\.\d+)?%$/;

/**
 * A whole number of instances (`2`) or a percentage of the pool (`"25%"`), as Kubernetes'
 * maxUnavailable reads. A bare fraction is refused: `max_failed: 1` once meant 100 % of the pool,
 * so a number is only ever a count, and a share must say it is one.
 */
function countOrPercent(min: 0 | 1) {
  return z.lazy(() =>
    z.union([
      z.number().superRefine((value, ctx) => {
        if (Number.isInteger(value) && value >= min) return;
        const message =
          value > 0 && value < 1
            ? `${value} is not a count of instances: write a share of the pool as a percentage, "${+(value * 100).toFixed(6)}%"`
            : `expected a whole number of instances${min ? ' (at least 1)' : ' (0 or more)'} or a percentage such as "10%"`;
        ctx.addIssue({ code: 'custom', message });
      }),
      z.string().regex(PERCENT, 'expected a count such as 2 or a percentage such as "10%"'),
    ]),
  );
}

/** At least one instance, or a percentage of the pool. */
export const countOrPercentSchema = countOrPercent(1);
/** Zero or more instances, or a percentage of the pool. */
export const tolerationSchema = countOrPercent(0);
export type CountOrPercent = z.output<typeof countOrPercentSchema>;

function fraction(value: string): number {
  return Number(value.slice(0, -1)) / 100;
}

/** A count as written, or a percentage of `total` rounded down (never more permissive than the spec). */
function countOf(value: CountOrPercent, total: number): number {
  return typeof value === 'number' ? value : Math.floor(total * fraction(value) + 1e-9);
}

export interface RollingSizes {
  batchSize: number;
  /** Failed instances tolerated before the launch rolls back. */
  toleratedFailures: number;
  /** Instances that may be out of service at once: max_unavailable, or a batch plus the tolerated failures. */
  maxUnavailable: number;
}

/**
 * Turns the spec's counts and percentages into numbers for a pool of `total` instances. A percentage
 * batch rounds up (a batch is at least one instance); tolerated failures and max_unavailable round
 * down, so neither is ever more permissive than the spec says.
 */
export function rollingSizes(
  total: number,
  spec: { batch_size: CountOrPercent; max_failed: CountOrPercent; max_unavailable?: CountOrPercent },
): RollingSizes {
  const batchSize = Math.min(
    total,
    typeof spec.batch_size === 'number' ? spec.batch_size : Math.max(1, Math.ceil(total * fraction(spec.batch_size))),
  );
  const toleratedFailures = countOf(spec.max_failed, total);
  if (toleratedFailures >= total) {
    throw new Error(
      `rolling: max_failed ${spec.max_failed} tolerates every one of the ${total} instance(s)` +
        ` failing, so a bad build could reach them all and the launch still succeed: tolerate fewer`,
    );
  }
  if (spec.max_unavailable === undefined)
    return { batchSize, toleratedFailures, maxUnavailable: Math.min(total, batchSize + toleratedFailures) };
  const maxUnavailable = countOf(spec.max_unavailable, total);
  // A failed instance that is tolerated stays out of service while the next batch is updated.
  if (batchSize + toleratedFailures > maxUnavailable) {
    throw new Error(
      `rolling: with batch_size ${batchSize} and up to ${toleratedFailures} tolerated failed instance(s) (max_failed), ` +
        `${batchSize + toleratedFailures} of ${total} instances could be out of service at once, above max_unavailable ${maxUnavailable}`,
    );
  }
  return { batchSize, toleratedFailures, maxUnavailable };
}

/** What `plan` prints: the counts a pool of `total` instances gets. */
export function describeSizes(total: number, sizes: RollingSizes): string {
  return (
    `${total} instance(s): batch size ${sizes.batchSize}, tolerated failures ${sizes.toleratedFailures}` +
    `, max unavailable ${sizes.maxUnavailable}`
  );
}
