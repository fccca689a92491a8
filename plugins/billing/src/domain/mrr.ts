import { CYCLE_MONTHS, isRecurring, type BillingCycle } from './cycles.ts';

/** 72 = lcm(1, 3, 6, 12, 24, 36): every cycle's price is a whole number of 72nds of a month. */
const LCM_MONTHS = 72n;

/**
 * Monthly recurring revenue of recurring prices summed per cycle, in minor units. Rounding is
 * defined once: each cycle's total is normalised exactly (as 72nds of a monthly amount), added,
 * and the sum rounded half-up to a minor unit at the end — so MRR does not drift with the number
 * of services, and 3 × 1000 quarterly is exactly 1000 a month. One-time prices are not recurring.
 */
export function monthlyRecurring(totals: ReadonlyArray<{ cycle: BillingCycle; total: bigint | number | string }>): number {
  let seventyTwoths = 0n;
  for (const { cycle, total } of totals) {
    if (!isRecurring(cycle)) continue;
    seventyTwoths += BigInt(total) * (LCM_MONTHS / BigInt(CYCLE_MONTHS[cycle]));
  }
  const negative = seventyTwoths < 0n;
  const n = negative ? -seventyTwoths : seventyTwoths;
  const rounded = (2n * n + LCM_MONTHS) / (2n * LCM_MONTHS);
  return Number(negative ? -rounded : rounded);
}
