import { ConflictError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int } from '../db.ts';
import type { BillingCycle } from '../domain/cycles.ts';
import { getInvoiceRow } from './invoices.ts';
import { applyCredit } from './payments.ts';
import { refundInvoice } from './refunds.ts';

export interface NewPlan {
  productId: string;
  cycle: BillingCycle;
  /** Per cycle, quantity included: what renewals bill from now on. */
  amount: number;
  config: Record<string, string>;
}

type ServiceLike = Record<string, unknown> & { id: string; client_id: string };

/** Puts a service on its new plan and says so (`service.upgraded`: provisioning resizes). */
export async function setPlan(b: Billing, service: ServiceLike, plan: NewPlan, about: { invoiceId: string | null; credit: number }): Promise<void> {
  await b.db('services').where('id', service.id).update({
    product_id: plan.productId, cycle: plan.cycle, amount: plan.amount, config: JSON.stringify(plan.config), updated_at: b.db.trx.fn.now(),
  });
  await b.emit('service.upgraded', {
    serviceId: service.id, clientId: service.client_id, fromProductId: service.product_id, toProductId: plan.productId, cycle: plan.cycle, ...about,
  });
}

/** A plan change that waited for its invoice: `invoiceId` is now paid (called by onInvoicePaid). */
export async function applyPaidPlanChange(b: Billing, changeId: string, invoiceId: string): Promise<void> {
  const change = (await b.db('service_plan_changes').where('id', changeId).first()) as Record<string, unknown>;
  const service = (await b.db('services').where('id', change.service_id as string).forUpdate().first()) as ServiceLike & { status: string };
  // A service that ended meanwhile keeps its last plan; the payment stays on the invoice for staff to refund.
  if (service.status !== 'active' && service.status !== 'suspended') return;
  await setPlan(b, service, {
    productId: change.product_id as string, cycle: change.cycle as BillingCycle, amount: int(change.amount), config: change.config as Record<string, string>,
  }, { invoiceId, credit: 0 });
}

/**
 * Withdraws a service's plan change still waiting for payment (a newer change or a cancellation
 * replaces it): its invoice is cancelled, and credit already applied to it goes back to the client.
 * Money paid on it otherwise is not undone here: `partlyPaid` and nothing changes.
 */
export async function withdrawPendingChange(b: Billing, serviceId: string): Promise<'none' | 'withdrawn' | 'partlyPaid'> {
  const pending = (await b.db('service_plan_changes').where({ service_id: serviceId, status: 'pending' }).first()) as Record<string, string> | undefined;
  if (!pending) return 'none';
  const invoice = await getInvoiceRow(b, pending.invoice_id!, true);
  if (invoice.status === 'unpaid') {
    const money = (await b.db('payments').where('invoice_id', invoice.id).whereNot('gateway', 'credit').whereRaw('applied > refunded').first('id')) as unknown;
    if (money) return 'partlyPaid';
    if (int(invoice.amount_paid) > 0) await refundInvoice(b, invoice.id, { amount: int(invoice.amount_paid), reason: 'plan change withdrawn' });
    await b.db('invoices').where('id', invoice.id).update({ status: 'cancelled', cancelled_at: b.db.trx.fn.now(), updated_at: b.db.trx.fn.now() });
  }
  await b.db('service_plan_changes').where('id', pending.id!).update({ status: 'superseded', updated_at: b.db.trx.fn.now() });
  return 'withdrawn';
}

/** Refuses a new plan change while money sits on the pending one's invoice. */
export async function replacePendingChange(b: Billing, serviceId: string): Promise<void> {
  if ((await withdrawPendingChange(b, serviceId)) === 'partlyPaid') {
    throw new ConflictError('The invoice of the pending plan change is partly paid: pay it, or ask staff to refund it, before changing plan again');
  }
}

/**
 * The credit of a downgrade first settles what this service still owes (its unpaid invoices, oldest
 * due first); only the rest is spendable credit.
 */
export async function grantDowngradeCredit(b: Billing, service: ServiceLike, amount: number, currency: string): Promise<void> {
  await b.db.insert('credit_ledger', { client_id: service.client_id, amount, currency, reason: `downgrade of service ${service.id}` });
  const open = (await b.db('invoices as i').join('invoice_items as ii', 'ii.invoice_id', 'i.id')
    .where({ 'ii.service_id': service.id, 'i.status': 'unpaid', 'i.kind': 'invoice', 'i.currency': currency })
    .distinct('i.id', 'i.due_date').orderBy(['i.due_date', 'i.id'])) as Array<{ id: string }>;
  let left = amount;
  for (const invoice of open) {
    if (left <= 0) break;
    left -= await applyCredit(b, invoice.id, left);
  }
}
