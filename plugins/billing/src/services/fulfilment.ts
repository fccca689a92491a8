import type { Billing } from '../context.ts';

/**
 * What paying an invoice sets in motion: the order it belongs to is accepted and its services
 * become active (provisioning plugins listen to `service.activated`); services suspended for
 * non-payment come back once nothing overdue is left.
 */
export async function onInvoicePaid(b: Billing, invoiceId: string): Promise<void> {
  const accepted = (await b.db('orders').where({ invoice_id: invoiceId, status: 'pending' })
    .update({ status: 'accepted', accepted_at: b.db.trx.fn.now(), updated_at: b.db.trx.fn.now() }).returning(['id', 'client_id'])) as Array<{ id: string; client_id: string }>;
  for (const order of accepted) {
    await b.emit('order.accepted', { orderId: order.id, clientId: order.client_id, invoiceId });
    const services = (await b.db('services').where({ order_id: order.id, status: 'pending' })
      .update({ status: 'active', updated_at: b.db.trx.fn.now() }).returning(['id', 'client_id', 'product_id'])) as Array<Record<string, string>>;
    for (const s of services) await b.emit('service.activated', { serviceId: s.id, clientId: s.client_id, productId: s.product_id, orderId: order.id });
  }
  const suspended = (await b.db('services as s')
    .join('invoice_items as ii', 'ii.service_id', 's.id')
    .where('ii.invoice_id', invoiceId).where('s.status', 'suspended').where('s.suspend_reason', 'overdue')
    .whereNotExists((q) => q.select(b.db.trx.raw('1')).from('invoice_items as o').join('invoices as oi', 'oi.id', 'o.invoice_id')
      .whereRaw('o.service_id = s.id').where('oi.status', 'unpaid').where('oi.due_date', '<', b.today))
    .distinct('s.id', 's.client_id')) as Array<{ id: string; client_id: string }>;
  for (const s of suspended) await unsuspend(b, s.id, s.client_id);
}

export async function unsuspend(b: Billing, serviceId: string, clientId: string): Promise<void> {
  await b.db('services').where('id', serviceId).update({ status: 'active', suspend_reason: null, updated_at: b.db.trx.fn.now() });
  await b.emit('service.unsuspended', { serviceId, clientId });
}
