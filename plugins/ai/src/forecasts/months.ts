/**
 * Calendar months as `YYYY-MM` keys (UTC), and MRR per month rebuilt from services: what the
 * revenue forecast runs on.
 */

export function monthKey(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** `count` consecutive month keys starting at `first`. */
export function monthsFrom(first: string, count: number): string[] {
  const [y, m] = first.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => monthKey(new Date(Date.UTC(y, m - 1 + i, 1))));
}

/** Months from `first` to `last`, both included. */
export function monthRange(first: string, last: string): string[] {
  const [y1, m1] = first.split('-').map(Number) as [number, number];
  const [y2, m2] = last.split('-').map(Number) as [number, number];
  const count = (y2 - y1) * 12 + (m2 - m1) + 1;
  return count > 0 ? monthsFrom(first, count) : [];
}

/** The last day of a month key, `YYYY-MM-DD`. */
export function monthEnd(key: string): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Months per billing cycle: a service's price divided by this is its monthly value. */
export const CYCLE_MONTHS: Record<string, number> = { monthly: 1, quarterly: 3, semiannually: 6, annually: 12, biennially: 24, triennially: 36 };

export interface ServiceSpan {
  cycle: string;
  /** Price per cycle, minor units. */
  amount: number;
  /** `YYYY-MM-DD` the service started. */
  start: string;
  /** `YYYY-MM-DD` it ended (terminated, cancelled), or null while it runs. */
  end: string | null;
}

/**
 * MRR at the end of each month (minor units): the monthly value of every recurring service that
 * had started by then and not yet ended. Uses today's price of each service (plan changes are not
 * replayed), rounded to whole minor units.
 */
export function mrrByMonth(services: ServiceSpan[], months: string[]): number[] {
  return months.map((key) => {
    const end = monthEnd(key);
    let sum = 0;
    for (const s of services) {
      const per = CYCLE_MONTHS[s.cycle];
      if (!per || s.start > end || (s.end !== null && s.end <= end)) continue;
      sum += s.amount / per;
    }
    return Math.round(sum);
  });
}
