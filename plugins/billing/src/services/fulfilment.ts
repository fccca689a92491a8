import type { Billing } from '../context.ts';
import { applyPaidPlanChange } from './plan-changes.ts';
import { recordWholesaleCharges } from './wholesale-orders.ts';

/**
 * What paying an invoice sets in motion: the order it belongs to is accepted and its services
 * become active (provisioning plugins listen to `service.activated`); services suspended for
 * non-payment come back once nothing overdue is left; a plan change waiting for this invoice
 * takes effect.
 */
export async function onInvoicePaid(b: Billing, invoiceId: string): Promise<void> {
  // One round trip for both questions (every payment asks them; most invoices have neither): the
  // order accepted by this payment, the services suspended for non-payment with nothing overdue
  // left, and the plan change this invoice pays for. The parts touch different rows.
  const { rows } = (await b.db.trx.raw(
    `WITH accepted AS (
       UPDATE orders SET status = 'accepted', accepted_at = now(), updated_at = now()
        WHERE tenant_id = ? AND invoice_id = ? AND status = 'pending'
       RETURNING id, client_id
     ), suspended AS (
       SELECT DISTINCT s.id, s.client_id FROM services s JOIN invoice_items ii ON ii.service_id = s.id
        WHERE s.tenant_id = ? AND ii.invoice_id = ? AND s.status = 'suspended' AND s.suspend_reason = 'overdue'
          AND NOT EXISTS (SELECT 1 FROM invoice_items o JOIN invoices oi ON oi.id = o.invoice_id
                           WHERE o.service_id = s.id AND oi.status = 'unpaid' AND oi.due_date < ?)
     ), changed AS (
       UPDATE service_plan_changes SET status = 'applied', updated_at = now()
        WHERE tenant_id = ? AND invoice_id = ? AND status = 'pending'
       RETURNING id
     )
     SELECT 'accepted' AS kind, id, client_id FROM accepted
     UNION ALL SELECT 'suspended' AS kind, id, client_id FROM suspended
     UNION ALL SELECT 'planChange' AS kind, id, NULL AS client_id FROM changed`,
    [b.tenantId, invoiceId, b.tenantId, invoiceId, b.today, b.tenantId, invoiceId],
  )) as { rows: Array<{ kind: 'accepted' | 'suspended' | 'planChange'; id: string; client_id: string }> };
  for (const order of rows.filter((r) => r.kind === 'accepted')) {
    await b.emit('order.accepted', { orderId: order.id, clientId: order.client_id, invoiceId });
    // A service set up by a provisioning plugin stays pending (the portal shows "pending setup")
    // until that plugin confirms the account exists (`billing.services` markActive): billing never
    // claims what the server does not have. The event is the intent either way.
    const pending = (await b.db('services').join('products', 'products.id', 'services.product_id')
      .where({ 'services.order_id': order.id, 'services.status': 'pending' })
      .select('services.id', 'services.client_id', 'services.product_id', b.db.trx.raw(`products.provisioning->>'module' as module`))) as Array<Record<string, string | null>>;
    const now = pending.filter((s) => !awaitsSetup(s.module)).map((s) => s.id!);
    if (now.length) await b.db('services').whereIn('id', now).update({ status: 'active', updated_at: b.db.trx.fn.now() });
    for (const s of pending) {
      await b.emit('service.activated', { serviceId: s.id, clientId: s.client_id, productId: s.product_id, orderId: order.id, ...(awaitsSetup(s.module) ? { pendingSetup: true } : {}) });
    }
  }
  // A reseller's client paid for adopted products: the parent charges the reseller their first period.
  if (rows.some((r) => r.kind === 'accepted')) await recordWholesaleCharges(b, [invoiceId], 'order');
  for (const s of rows.filter((r) => r.kind === 'suspended')) await unsuspend(b, s.id, s.client_id);
  for (const c of rows.filter((r) => r.kind === 'planChange')) await applyPaidPlanChange(b, c.id, invoiceId);
}

/** Provisioning modules whose services become active only once the account really exists. */
export const SETUP_CONFIRMED_BY = ['hosting'];
const awaitsSetup = (module: string | null | undefined) => !!module && SETUP_CONFIRMED_BY.includes(module);

export async function unsuspend(b: Billing, serviceId: string, clientId: string): Promise<void> {
  await b.db('services').where('id', serviceId).update({ status: 'active', suspend_reason: null, updated_at: b.db.trx.fn.now() });
  await b.emit('service.unsuspended', { serviceId, clientId });
}
