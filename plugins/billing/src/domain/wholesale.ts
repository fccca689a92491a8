import { MAX_AMOUNT } from '@mpanel/sdk';
import { BILLING_CYCLES, type BillingCycle } from './cycles.ts';
import { mulDivHalfUp } from './money.ts';

/** A wholesale offer's prices: minor units per period, by cycle (the cycles the reseller may sell). */
export type WholesalePrices = Partial<Record<BillingCycle, number>>;

/** Prices an offer may carry: known cycles, at least one, each a bounded non-negative integer. */
export function pricesProblem(prices: Record<string, unknown>): string | null {
  const entries = Object.entries(prices);
  if (!entries.length) return 'name at least one cycle';
  for (const [cycle, amount] of entries) {
    if (!(BILLING_CYCLES as readonly string[]).includes(cycle)) return `${cycle} is not a billing cycle`;
    if (!Number.isSafeInteger(amount) || (amount as number) < 0 || (amount as number) > MAX_AMOUNT) return `${cycle}: an amount in minor units from 0 to ${MAX_AMOUNT}`;
  }
  return null;
}

/** The wholesale price of one unit for a cycle; null when the offer does not cover that cycle. */
export function wholesalePrice(prices: WholesalePrices, cycle: BillingCycle): number | null {
  const amount = prices[cycle];
  return typeof amount === 'number' ? amount : null;
}

export interface Margin {
  /** retail − wholesale, minor units (negative when the reseller sells below cost). */
  margin: number;
  /** margin / retail in basis points (integer, rounded half away from zero); null without retail. */
  marginBp: number | null;
}

/** A reseller's margin in one currency: what its clients were invoiced against what it was charged. */
export function marginOf(retail: number, wholesale: number): Margin {
  const margin = retail - wholesale;
  if (!Number.isSafeInteger(margin)) throw new RangeError('margin out of range');
  if (retail === 0) return { margin, marginBp: null };
  // Exact in bigint: a margin of a year's sales times 10 000 is beyond a double's integers.
  return { margin, marginBp: mulDivHalfUp(margin, 10_000, retail) };
}
