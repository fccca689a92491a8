import { ConflictError, NotFoundError, ValidationError, isClientScoped, scopeToClient } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int, isoTime, paginate, type Page } from '../db.ts';
import { anchorDayOf, isRecurring, nextDueDate, type BillingCycle } from '../domain/cycles.ts';
import { couponDiscount, type Coupon } from '../domain/coupons.ts';
import { getClientRow } from './clients.ts';
import { getProduct, unitPrice, type Product } from './catalogue.ts';
import { redeemCoupon } from './coupons.ts';
import { createInvoices, getInvoice, type DraftItem } from './invoices.ts';
import { settleNewInvoices } from './payments.ts';
import { listServiceViews } from './services.ts';
import { assertWholesaleOrderable } from './wholesale-orders.ts';

export interface OrderItemInput {
  productId: string;
  cycle: BillingCycle;
  quantity?: number;
  domain?: string;
  config?: Record<string, string>;
}

export interface OrderInput {
  clientId?: string;
  items: OrderItemInput[];
  couponCode?: string;
}

/** The payload of the `order.beforeCreate` hook: filters may change it or veto (fraud checks). */
export interface OrderHookPayload extends OrderInput {
  clientId: string;
  currency: string;
}

export function toOrder(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    clientId: row.client_id as string,
    status: row.status as string,
    currency: row.currency as string,
    total: int(row.total),
    invoiceId: (row.invoice_id as string | null) ?? null,
    couponId: (row.coupon_id as string | null) ?? null,
    acceptedAt: isoTime(row.accepted_at),
    cancelledAt: isoTime(row.cancelled_at),
    createdAt: isoTime(row.created_at),
  };
}

/**
 * Places an order: its services (`pending`, first period starting today) and one issued invoice
 * for the first period plus setup fees, coupon applied per line. Paying that invoice accepts the
 * order and activates the services (fulfilment.ts).
 */
export async function placeOrder(b: Billing, input: OrderInput) {
  const principal = b.principal ?? undefined;
  const clientId = input.clientId ?? (isClientScoped(principal) ? principal!.clientId : null);
  if (!clientId) throw new ValidationError({ clientId: 'required' });
  const client = await getClientRow(b, clientId, true);
  if (client.status !== 'active') throw new ConflictError('The client account is not active');
  const payload = await b.plugin.hooks.run<OrderHookPayload>('order.beforeCreate', { ...input, clientId, currency: client.currency }, { tenantId: b.tenantId, trx: b.db.trx });
  const currency = payload.currency;
  const today = b.today;
  const coupon: (Coupon & { id: string }) | null = payload.couponCode ? await redeemCoupon(b, payload.couponCode, today) : null;

  const lines: Array<{ product: Product; item: OrderItemInput; amount: number; setupFee: number; quantity: number }> = [];
  for (const item of payload.items) {
    const product = await getProduct(b, item.productId, isClientScoped(principal)).catch(() => {
      throw new ValidationError({ items: `unknown product ${item.productId}` });
    });
    if (product.retired) throw new ValidationError({ items: `${product.name} is no longer sold` });
    const quantity = item.quantity ?? 1;
    const { amount, setupFee } = unitPrice(product, currency, item.cycle, item.config);
    await takeStock(b, product, quantity);
    lines.push({ product, item, amount, setupFee, quantity });
  }
  await assertWholesaleOrderable(b, lines.map((l) => ({ productName: l.product.name, wholesaleOfferId: l.product.wholesaleOfferId, cycle: l.item.cycle })));

  const [order] = await b.db.insert<Record<string, unknown>>('orders', { client_id: clientId, currency, coupon_id: coupon?.id ?? null });
  const orderId = order!.id as string;
  const items: DraftItem[] = [];
  const serviceIds: string[] = [];
  for (const { product, item, amount, setupFee, quantity } of lines) {
    const cycle = item.cycle;
    const recurring = isRecurring(cycle);
    const periodEnd = isRecurring(cycle) ? nextDueDate(today, cycle, anchorDayOf(today)) : null;
    const [service] = await b.db.insert<{ id: string }>('services', {
      client_id: clientId, product_id: product.id, order_id: orderId, status: 'pending', cycle: item.cycle, currency,
      amount: amount * quantity, quantity, domain: item.domain ?? null, config: JSON.stringify(item.config ?? {}),
      coupon_id: coupon?.recurring ? coupon.id : null, registration_date: today, anchor_day: anchorDayOf(today), next_due_date: periodEnd,
    });
    serviceIds.push(service!.id);
    const discount = coupon ? couponDiscount(coupon, { productId: product.id, cycle: item.cycle, currency, amount: amount * quantity, firstPayment: true }) : 0;
    const label = item.domain ? `${product.name} (${item.domain})` : product.name;
    items.push({
      kind: 'order', serviceId: service!.id, description: periodEnd ? `${label} ${today} – ${periodEnd}` : label,
      unitAmount: amount, quantity, discount, taxable: product.taxable, periodStart: recurring ? today : null, periodEnd,
    });
    if (setupFee > 0) items.push({ kind: 'setup', serviceId: service!.id, description: `${label} setup fee`, unitAmount: setupFee, quantity, discount: 0, taxable: product.taxable });
  }
  const [invoice] = await createInvoices(b, [{ client: client as never, currency, issueDate: today, dueDate: today, orderId, items }]);
  await b.db('orders').where('id', orderId).update({ invoice_id: invoice!.id, total: invoice!.total });
  if (coupon) await b.db.insert('coupon_redemptions', { coupon_id: coupon.id, client_id: clientId, order_id: orderId });
  await b.emit('order.created', { orderId, clientId, invoiceId: invoice!.id, total: invoice!.total, currency, serviceIds });
  await settleNewInvoices(b, [invoice!]);
  return {
    order: toOrder((await b.db('orders').where('id', orderId).first()) as Record<string, unknown>),
    invoice: await getInvoice(b, invoice!.id),
    services: await listServiceViews(b, serviceIds),
  };
}

/** Stock is taken with a guarded update so two orders cannot both buy the last unit. */
async function takeStock(b: Billing, product: Product, quantity: number): Promise<void> {
  if (product.stock === null) return;
  const taken = await b.db('products').where('id', product.id).where('stock', '>=', quantity).decrement('stock', quantity);
  if (!taken) throw new ConflictError(`${product.name} is out of stock`);
}

export async function getOrder(b: Billing, id: string) {
  const q = scopeToClient(b.db('orders').where('id', id), b.principal ?? undefined);
  const row = (await q.first()) as Record<string, unknown> | undefined;
  if (!row) throw new NotFoundError('Order not found');
  const services = (await b.db('services').where('order_id', id).select('id')) as Array<{ id: string }>;
  return { ...toOrder(row), serviceIds: services.map((s) => s.id) };
}

export async function listOrders(b: Billing, page: Page, filter: { status?: string; clientId?: string }) {
  const q = scopeToClient(b.db('orders'), b.principal ?? undefined);
  if (filter.status) q.where('status', filter.status);
  if (filter.clientId) q.where('client_id', filter.clientId);
  return paginate(q, page, ['created_at', 'id'], toOrder);
}
