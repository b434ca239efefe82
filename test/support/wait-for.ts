/** Polls `probe` until it returns a truthy value, or fails after `timeoutMs`: never a blind sleep. */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}` +
      `${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`,
  );
}
