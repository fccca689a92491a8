import { ConflictError, ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { isoDate } from '../db.ts';
import type { BillingCycle } from '../domain/cycles.ts';
import { wholesalePrice } from '../domain/wholesale.ts';
import { receivedOffers } from './wholesale-offers.ts';

/**
 * The reseller's side of wholesale at order and invoice time: what may be ordered, and the charge
 * recorded (through the definer function, into the parent's tenant) for each adopted service and
 * period. The parent invoices the charges in its billing run (wholesale-charges.ts).
 */

/**
 * The reseller's service of an adopted product runs into a period: the order's first period once
 * the order is paid (`order`), a renewal when its invoice is issued (`recurring`). Idempotent:
 * one charge per service and period start.
 */
export async function recordWholesaleCharges(b: Billing, invoiceIds: string[], kind: 'order' | 'recurring'): Promise<number> {
  if (!invoiceIds.length) return 0;
  const { rows } = (await b.db.trx.raw(
    `SELECT billing_record_wholesale_charge(ii.service_id, ii.period_start, ii.period_end) AS recorded
       FROM invoice_items ii JOIN services s ON s.id = ii.service_id JOIN products p ON p.id = s.product_id
      WHERE ii.tenant_id = ? AND ii.invoice_id = ANY(?::uuid[]) AND ii.kind = ? AND p.wholesale_offer_id IS NOT NULL`,
    [b.tenantId, invoiceIds, kind],
  )) as { rows: Array<{ recorded: boolean }> };
  return rows.filter((r) => r.recorded).length;
}

/**
 * Before a reseller's order of adopted products: the offer must still be on and price the cycle,
 * and the parent must not be holding the reseller's new orders for an overdue wholesale invoice
 * (existing services are never touched by the hold).
 */
export async function assertWholesaleOrderable(b: Billing, items: Array<{ productName: string; wholesaleOfferId: string | null; cycle: BillingCycle }>): Promise<void> {
  const adopted = items.filter((i) => i.wholesaleOfferId);
  if (!adopted.length) return;
  const offers = new Map((await receivedOffers(b)).map((o) => [o.id, o]));
  for (const item of adopted) {
    const offer = offers.get(item.wholesaleOfferId!);
    if (!offer) throw new ConflictError(`${item.productName} is no longer offered by the wholesale provider`);
    if (wholesalePrice(offer.prices, item.cycle) === null) throw new ValidationError({ cycle: `${item.productName} is not offered wholesale ${item.cycle}` });
  }
  const { rows } = (await b.db.trx.raw('SELECT * FROM billing_wholesale_hold(?::date)', [b.today])) as { rows: Array<{ number: string; due_date: unknown; hold_after_days: number }> };
  const overdue = rows[0];
  if (overdue) {
    throw new ConflictError(
      `New orders of wholesale products are on hold: the provider's invoice ${overdue.number}, due ${isoDate(overdue.due_date)}, is more than ${overdue.hold_after_days} days overdue`,
      { reason: 'wholesale_hold', invoice: overdue.number },
    );
  }
}
