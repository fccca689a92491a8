import { ConflictError, NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { isoDate } from '../db.ts';
import { couponView, type CouponInput } from './coupons.ts';

export type CouponPatch = Partial<CouponInput> & { disabled?: boolean };

/** What a coupon promises: fixed once anyone has redeemed it, so past orders keep meaning what they said. */
const TERMS = ['code', 'type', 'value', 'currency'] as const;

async function couponRow(b: Billing, id: string, lock = false): Promise<Record<string, unknown>> {
  const q = b.db('coupons').where('id', id);
  if (lock) q.forUpdate();
  const row = (await q.first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('Coupon not found');
  return row;
}

async function redeemed(b: Billing, row: Record<string, unknown>): Promise<boolean> {
  return Number(row.uses_count) > 0 || Boolean(await b.db('coupon_redemptions').where('coupon_id', row.id as string).first('id'));
}

export async function getCoupon(b: Billing, id: string) {
  return couponView(await couponRow(b, id));
}

/**
 * Dates, limits, scope and `disabled` can always change (expire or switch off a coupon); its terms
 * (code, type, value, currency) only while it has never been redeemed (409 otherwise).
 */
export async function updateCoupon(b: Billing, id: string, patch: CouponPatch) {
  const row = await couponRow(b, id, true);
  if (TERMS.some((k) => patch[k] !== undefined) && (await redeemed(b, row))) {
    throw new ConflictError('The coupon has been redeemed; its code, type, value and currency are fixed');
  }
  const type = patch.type ?? (row.type as CouponInput['type']);
  const value = patch.value ?? Number(row.value);
  const currency = patch.currency !== undefined ? patch.currency : (row.currency as string | null);
  if (type === 'fixed' && !currency) throw new ValidationError({ currency: 'a fixed coupon needs a currency' });
  if (type === 'percent' && value > 10_000) throw new ValidationError({ value: 'a percentage is at most 10000 basis points' });
  const validFrom = patch.validFrom !== undefined ? patch.validFrom : isoDate(row.valid_from);
  const expiresAt = patch.expiresAt !== undefined ? patch.expiresAt : isoDate(row.expires_at);
  if (validFrom && expiresAt && expiresAt < validFrom) throw new ValidationError({ expiresAt: 'before validFrom' });
  if (patch.code && (await b.db('coupons').whereRaw('lower(code) = lower(?)', [patch.code]).whereNot('id', id).first('id'))) {
    throw new ConflictError('A coupon with this code exists', { code: 'already used' });
  }
  const changes: Record<string, unknown> = {};
  if (patch.code !== undefined) changes.code = patch.code;
  if (patch.type !== undefined || patch.currency !== undefined) changes.currency = type === 'fixed' ? currency : null;
  if (patch.type !== undefined) changes.type = patch.type;
  if (patch.value !== undefined) changes.value = patch.value;
  if (patch.recurring !== undefined) changes.recurring = patch.recurring;
  if (patch.productIds !== undefined) changes.product_ids = JSON.stringify(patch.productIds);
  if (patch.cycles !== undefined) changes.cycles = JSON.stringify(patch.cycles);
  if (patch.maxUses !== undefined) changes.max_uses = patch.maxUses;
  if (patch.validFrom !== undefined) changes.valid_from = patch.validFrom;
  if (patch.expiresAt !== undefined) changes.expires_at = patch.expiresAt;
  if (patch.disabled !== undefined) changes.disabled = patch.disabled;
  const [updated] = (await b.db('coupons').where('id', id).update({ ...changes, updated_at: b.db.trx.fn.now() }).returning('*')) as Array<Record<string, unknown>>;
  return couponView(updated!);
}

/** Only a coupon nobody redeemed can be deleted; a redeemed one is expired or disabled instead (409). */
export async function deleteCoupon(b: Billing, id: string): Promise<void> {
  const row = await couponRow(b, id, true);
  if (await redeemed(b, row)) throw new ConflictError('The coupon has been redeemed; expire or disable it instead');
  await b.db('coupons').where('id', id).delete();
}
