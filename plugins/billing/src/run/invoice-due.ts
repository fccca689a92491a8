import type { Billing } from '../context.ts';
import { int, isoDate } from '../db.ts';
import { couponDiscount } from '../domain/coupons.ts';
import { nextDueDate, type RecurringCycle } from '../domain/cycles.ts';
import { invoiceHorizon } from '../domain/dunning.ts';
import type { TaxRule } from '../domain/tax.ts';
import { toCoupon } from '../services/coupons.ts';
import { createInvoices, type InvoiceDraft } from '../services/invoices.ts';
import { clientsWithCredit, settleNewInvoices } from '../services/payments.ts';
import { recordWholesaleCharges } from '../services/wholesale-orders.ts';
import { emitAll } from './emit-all.ts';

interface DueRow {
  id: string; client_id: string; product_id: string; cycle: RecurringCycle; currency: string; amount: number;
  domain: string | null; anchor_day: number; next_due_date: unknown; coupon_id: string | null;
  product_name: string; taxable: boolean; country: string; state: string | null; tax_exempt: boolean; tax_id: string | null; company_name: string | null;
}

/**
 * One batch of renewals: locks up to `batchSize` due services (SKIP LOCKED, so concurrent runs
 * share the work instead of waiting), issues one invoice per service and period, and moves each
 * next due date one cycle on (anchor kept). Returns how many invoices it created; 0 = done.
 * Runs in its own transaction: a run killed between batches leaves only whole batches behind, and
 * the UNIQUE (service_id, period_start) line constraint makes double billing impossible anyway.
 */
export async function invoiceDueBatch(b: Billing, rules: TaxRule[], batchSize: number): Promise<number> {
  const horizon = invoiceHorizon(b.today, b.settings.invoiceLeadDays);
  const { rows } = (await b.db.trx.raw(
    `SELECT s.id, s.client_id, s.product_id, s.cycle, s.currency, s.amount, s.domain, s.anchor_day, s.next_due_date, s.coupon_id,
            p.name AS product_name, p.taxable, c.country, c.state, c.tax_exempt, c.tax_id, c.company_name
       FROM services s JOIN products p ON p.id = s.product_id JOIN clients c ON c.id = s.client_id
      WHERE s.tenant_id = ? AND s.status IN ('active', 'suspended') AND s.cycle <> 'onetime'
        AND s.next_due_date <= ? AND (s.cancel_at IS NULL OR s.next_due_date < s.cancel_at)
      ORDER BY s.id LIMIT ? FOR UPDATE OF s SKIP LOCKED`,
    [b.tenantId, horizon, batchSize],
  )) as { rows: DueRow[] };
  if (!rows.length) return 0;

  const couponIds = [...new Set(rows.map((r) => r.coupon_id).filter((id): id is string => Boolean(id)))];
  const coupons = new Map(couponIds.length
    ? ((await b.db('coupons').whereIn('id', couponIds)) as Array<Record<string, unknown>>).map((c) => [c.id as string, toCoupon(c)])
    : []);

  const advances: Array<{ id: string; next: string }> = [];
  const drafts = rows.map((r): InvoiceDraft => {
    const start = isoDate(r.next_due_date)!;
    const end = nextDueDate(start, r.cycle, Number(r.anchor_day));
    advances.push({ id: r.id, next: end });
    const amount = int(r.amount);
    const coupon = r.coupon_id ? coupons.get(r.coupon_id) : undefined;
    const discount = coupon ? couponDiscount(coupon, { productId: r.product_id, cycle: r.cycle, currency: r.currency, amount, firstPayment: false }) : 0;
    const label = r.domain ? `${r.product_name} (${r.domain})` : r.product_name;
    return {
      client: { id: r.client_id, country: r.country, state: r.state, tax_exempt: r.tax_exempt, tax_id: r.tax_id, company_name: r.company_name },
      currency: r.currency,
      issueDate: b.today,
      dueDate: start,
      items: [{ kind: 'recurring', serviceId: r.id, description: `${label} ${start} – ${end}`, unitAmount: amount, quantity: 1, discount, taxable: r.taxable, periodStart: start, periodEnd: end }],
    };
  });
  const created = await createInvoices(b, drafts, rules);
  // Renewals of a reseller's adopted products: the parent charges the reseller the period too.
  await recordWholesaleCharges(b, created.map((c) => c.id), 'recurring');
  await b.db.trx.raw(
    `UPDATE services SET next_due_date = v.next, updated_at = now()
       FROM json_to_recordset(?::json) AS v(id uuid, next date)
      WHERE services.id = v.id AND services.tenant_id = ?`,
    [JSON.stringify(advances), b.tenantId],
  );
  if (b.settings.autoApplyCredit) {
    const withCredit = await clientsWithCredit(b, [...new Set(created.map((c) => c.clientId))]);
    await settleNewInvoices(b, created, withCredit);
  } else {
    await settleNewInvoices(b, created.filter((c) => c.total <= 0));
  }
  return created.length;
}

/** Services whose end-of-period cancellation date has come. */
export async function cancelEndedServices(b: Billing): Promise<number> {
  const rows = (await b.db('services').whereIn('status', ['pending', 'active', 'suspended']).where('cancel_at', '<=', b.today)
    .update({ status: 'cancelled', next_due_date: null, updated_at: b.db.trx.fn.now() }).returning(['id', 'client_id', 'product_id'])) as Array<Record<string, string>>;
  await emitAll(b, rows.map((s) => ({ name: 'service.cancelled', payload: { serviceId: s.id, clientId: s.client_id, productId: s.product_id, type: 'end_of_period' } })));
  return rows.length;
}
