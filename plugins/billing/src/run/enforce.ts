import type { Billing } from '../context.ts';
import { addDays } from '../domain/dates.ts';
import { dunningOf } from '../settings.ts';
import { emitAll } from './emit-all.ts';

// A plan change waiting for its invoice is an offer, not a debt: not paying it leaves the service as it is.
const UNPAID_SINCE = `EXISTS (SELECT 1 FROM invoice_items ii JOIN invoices i ON i.id = ii.invoice_id
  WHERE ii.service_id = services.id AND i.status = 'unpaid' AND i.kind = 'invoice' AND i.due_date <= ?
    AND NOT EXISTS (SELECT 1 FROM service_plan_changes pc WHERE pc.invoice_id = i.id AND pc.status = 'pending'))`;

/** Suspends active services with an invoice unpaid for N days; events only (provisioning acts). */
export async function suspendOverdue(b: Billing): Promise<number> {
  const days = dunningOf(b.settings).suspendAfterDays;
  if (days === null) return 0;
  const rows = (await b.db('services').where('status', 'active').whereRaw(UNPAID_SINCE, [addDays(b.today, -days)])
    .update({ status: 'suspended', suspend_reason: 'overdue', updated_at: b.db.trx.fn.now() }).returning(['id', 'client_id', 'product_id'])) as Array<Record<string, string>>;
  await emitAll(b, rows.map((s) => ({ name: 'service.suspended', payload: { serviceId: s.id, clientId: s.client_id, productId: s.product_id, reason: 'overdue' } })));
  return rows.length;
}

/** Terminates services suspended for non-payment once an invoice is unpaid for M days. */
export async function terminateOverdue(b: Billing): Promise<number> {
  const days = dunningOf(b.settings).terminateAfterDays;
  if (days === null) return 0;
  const rows = (await b.db('services').where({ status: 'suspended', suspend_reason: 'overdue' }).whereRaw(UNPAID_SINCE, [addDays(b.today, -days)])
    .update({ status: 'terminated', termination_date: b.today, next_due_date: null, updated_at: b.db.trx.fn.now() }).returning(['id', 'client_id', 'product_id'])) as Array<Record<string, string>>;
  await emitAll(b, rows.map((s) => ({ name: 'service.terminated', payload: { serviceId: s.id, clientId: s.client_id, productId: s.product_id, reason: 'overdue' } })));
  return rows.length;
}

/** New orders whose first invoice stayed unpaid K days: order, invoice and pending services cancelled. */
export async function cancelUnpaidOrders(b: Billing): Promise<number> {
  const days = b.settings.cancelUnpaidOrdersAfterDays;
  if (days <= 0) return 0;
  const orders = (await b.db('orders as o').join('invoices as i', 'i.id', 'o.invoice_id')
    .where('o.status', 'pending').where('i.status', 'unpaid').where('i.amount_paid', 0).where('i.issue_date', '<=', addDays(b.today, -days))
    .select('o.id', 'o.client_id', 'o.invoice_id')) as Array<{ id: string; client_id: string; invoice_id: string }>;
  for (const o of orders) {
    await b.db('orders').where({ id: o.id, status: 'pending' }).update({ status: 'cancelled', cancelled_at: b.db.trx.fn.now(), updated_at: b.db.trx.fn.now() });
    await b.db('invoices').where({ id: o.invoice_id, status: 'unpaid' }).update({ status: 'cancelled', cancelled_at: b.db.trx.fn.now(), updated_at: b.db.trx.fn.now() });
    await b.db('services').where({ order_id: o.id, status: 'pending' }).update({ status: 'cancelled', next_due_date: null, updated_at: b.db.trx.fn.now() });
    await b.emit('order.cancelled', { orderId: o.id, clientId: o.client_id, invoiceId: o.invoice_id, reason: 'unpaid' });
  }
  return orders.length;
}
