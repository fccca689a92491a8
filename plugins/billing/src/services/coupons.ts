import { ConflictError, NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int, isoDate, isoTime, paginate, type Page } from '../db.ts';
import { couponRejection, type Coupon } from '../domain/coupons.ts';
import type { BillingCycle } from '../domain/cycles.ts';
import type { IsoDate } from '../domain/dates.ts';

export interface CouponInput {
  code: string;
  type: 'percent' | 'fixed';
  value: number;
  currency?: string | null;
  recurring?: boolean;
  productIds?: string[];
  cycles?: BillingCycle[];
  maxUses?: number | null;
  validFrom?: string | null;
  expiresAt?: string | null;
}

export function toCoupon(row: Record<string, unknown>): Coupon & { id: string } {
  return {
    id: row.id as string,
    code: row.code as string,
    type: row.type as Coupon['type'],
    value: int(row.value),
    currency: (row.currency as string | null) ?? null,
    recurring: row.recurring as boolean,
    productIds: row.product_ids as string[],
    cycles: row.cycles as BillingCycle[],
    maxUses: row.max_uses === null ? null : Number(row.max_uses),
    usesCount: Number(row.uses_count),
    validFrom: isoDate(row.valid_from),
    expiresAt: isoDate(row.expires_at),
    disabled: Boolean(row.disabled),
  };
}

export const couponView = (row: Record<string, unknown>) => ({ ...toCoupon(row), createdAt: isoTime(row.created_at) });

export async function createCoupon(b: Billing, input: CouponInput) {
  if (input.type === 'fixed' && !input.currency) throw new ValidationError({ currency: 'a fixed coupon needs a currency' });
  if (input.type === 'percent' && input.value > 10_000) throw new ValidationError({ value: 'a percentage is at most 10000 basis points' });
  const taken = await b.db('coupons').whereRaw('lower(code) = lower(?)', [input.code]).first('id');
  if (taken) throw new ConflictError('A coupon with this code exists', { code: 'already used' });
  const [row] = await b.db.insert<Record<string, unknown>>('coupons', {
    code: input.code, type: input.type, value: input.value, currency: input.type === 'fixed' ? input.currency : null,
    recurring: input.recurring ?? false, product_ids: JSON.stringify(input.productIds ?? []), cycles: JSON.stringify(input.cycles ?? []),
    max_uses: input.maxUses ?? null, valid_from: input.validFrom ?? null, expires_at: input.expiresAt ?? null,
  });
  return couponView(row!);
}

export async function listCoupons(b: Billing, page: Page) {
  return paginate(b.db('coupons'), page, ['created_at', 'id'], couponView);
}

/**
 * Takes one use of a coupon for an order: checks dates, then counts the use with a guarded update
 * so two orders cannot both take the last use.
 */
export async function redeemCoupon(b: Billing, code: string, date: IsoDate): Promise<Coupon & { id: string }> {
  const row = (await b.db('coupons').whereRaw('lower(code) = lower(?)', [code]).first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('Coupon not found');
  const coupon = toCoupon(row);
  const rejection = couponRejection(coupon, date);
  if (rejection) throw new ValidationError({ couponCode: rejection.replace('_', ' ') });
  const taken = await b.db('coupons').where('id', coupon.id).where((q) => q.whereNull('max_uses').orWhereRaw('uses_count < max_uses'))
    .increment('uses_count', 1);
  if (!taken) throw new ValidationError({ couponCode: 'used up' });
  return coupon;
}
