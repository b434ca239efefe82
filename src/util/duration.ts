import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer one fires after 1 ms. */
export const MAX_DURATION_MS = 2 ** 31 - 1;
const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Parses `30s`, `5m`, `1h30m`, `250ms` or a plain number of milliseconds; undefined when malformed. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!DURATION_RE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART_RE)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes}m${seconds}s` : `${minutes}m`;
}

function durationField(positive: boolean) {
  const expected = positive ? 'a positive duration like 30s, 5m, 1h30m or milliseconds' : 'a duration like 30s, 5m, 1h30m or milliseconds';
  return z
    .union([z.number(), z.string()])
    .meta({ description: `Duration: 30s, 5m, 1h30m, 250ms, or plain milliseconds${positive ? ' (above zero)' : ''}` })
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined || (positive && ms <= 0)) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      if (ms > MAX_DURATION_MS) {
        ctx.addIssue({
          code: 'custom',
          message:
            `expected at most ${formatDuration(MAX_DURATION_MS)} (${MAX_DURATION_MS} ms, the longest a timer can wait)` +
            `, got ${JSON.stringify(value)}`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

/** A duration field that may be zero (delays, pauses); yields milliseconds. */
export const durationSchema = durationField(false);
/** A duration field that must be above zero (timeouts, intervals); yields milliseconds. */
export const positiveDurationSchema = durationField(true);
