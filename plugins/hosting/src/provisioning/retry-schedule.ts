/**
 * When a retryable failure is tried again (HOSTING.md §6.4): 30 s, 2 min, 10 min, 30 min, 2 h,
 * 6 h, then a person looks (about 9 h in all). A remote's `retryAfterMs` wins when it asks for
 * longer; never shorter, or a rate-limited backend would be hammered.
 */
export const RETRY_DELAYS_MS: readonly number[] = [30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000];

/** Tries in all, the first included. */
export const MAX_TRIES = RETRY_DELAYS_MS.length + 1;

/** The wait after try number `attempt` failed, or null when that was the last try. */
export function retryDelay(attempt: number, retryAfterMs?: number): number | null {
  const planned = RETRY_DELAYS_MS[attempt - 1];
  if (planned === undefined) return null;
  return Math.max(planned, retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0);
}
