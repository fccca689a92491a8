import { mulDivHalfUp } from './money.ts';
import { compareDates, type IsoDate } from './dates.ts';
import type { BillingCycle } from './cycles.ts';

export interface Coupon {
  code: string;
  type: 'percent' | 'fixed';
  /** percent: basis points (1500 = 15%); fixed: minor units of `currency`. */
  value: number;
  /** Fixed coupons only: the currency of `value`; lines in other currencies get nothing. */
  currency: string | null;
  /** false = first payment only; true = every renewal too. */
  recurring: boolean;
  /** Empty = every product / cycle. */
  productIds: readonly string[];
  cycles: readonly BillingCycle[];
  maxUses: number | null;
  usesCount: number;
  validFrom: IsoDate | null;
  expiresAt: IsoDate | null;
  /** Switched off by staff; refused like an expired coupon. */
  disabled?: boolean;
}

export type CouponRejection = 'disabled' | 'not_started' | 'expired' | 'used_up';

/** Why a coupon cannot be redeemed on `date`, or null when it can. */
export function couponRejection(coupon: Coupon, date: IsoDate): CouponRejection | null {
  if (coupon.disabled) return 'disabled';
  if (coupon.validFrom && compareDates(date, coupon.validFrom) < 0) return 'not_started';
  if (coupon.expiresAt && compareDates(date, coupon.expiresAt) > 0) return 'expired';
  if (coupon.maxUses !== null && coupon.usesCount >= coupon.maxUses) return 'used_up';
  return null;
}

export interface CouponLine {
  productId: string;
  cycle: BillingCycle;
  currency: string;
  /** The line's price before discount (unit × quantity). */
  amount: number;
  /** The order's first invoice (true) or a renewal (false). */
  firstPayment: boolean;
}

/** The discount on one line, in [0, amount]; per line, so a fixed coupon applies to each item. */
export function couponDiscount(coupon: Coupon, line: CouponLine): number {
  if (!line.firstPayment && !coupon.recurring) return 0;
  if (coupon.productIds.length > 0 && !coupon.productIds.includes(line.productId)) return 0;
  if (coupon.cycles.length > 0 && !coupon.cycles.includes(line.cycle)) return 0;
  if (line.amount <= 0) return 0;
  const raw = coupon.type === 'percent'
    ? mulDivHalfUp(line.amount, coupon.value, 10_000)
    : coupon.currency === line.currency ? coupon.value : 0;
  return Math.min(Math.max(raw, 0), line.amount);
}
