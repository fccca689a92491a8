import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { defineResourceFixtures } from '@mpanel/sdk/testing';

/**
 * The walked tenant as a reseller of a parent that invoiced it (provider data no route of the
 * tenant makes): a parent tenant, the parent's client row standing for the walked tenant and an
 * unpaid invoice to it, written as the parent, then back to the walked tenant. Returns the
 * invoice's id, which `/api/v1/wholesale-invoices/:id` shows the walked tenant only.
 */
async function resellerOfAParent(trx: Knex.Transaction, tenantId: string): Promise<string> {
  const as = (tenant: string) => trx.raw("SELECT set_config('app.tenant_id', ?, true)", [tenant]);
  const [parent] = (await trx('tenants').insert({ name: 'Walked wholesale provider', slug: `walked-provider-${randomUUID().slice(0, 8)}` }).returning('id')) as Array<{ id: string }>;
  await trx('tenants').where({ id: tenantId }).update({ parent_tenant_id: parent!.id, is_reseller: true });
  await as(parent!.id);
  const [client] = (await trx('clients').insert({ tenant_id: parent!.id, email: 'billing@walked.reseller.invalid', first_name: 'Walked', last_name: 'Reseller', country: 'US', currency: 'USD', reseller_tenant_id: tenantId }).returning('id')) as Array<{ id: string }>;
  const [invoice] = (await trx('invoices').insert({ tenant_id: parent!.id, client_id: client!.id, number: 'WALK-WS-1', status: 'unpaid', currency: 'USD', subtotal: 400, total: 400, issue_date: '2026-01-01', due_date: '2099-01-01' }).returning('id')) as Array<{ id: string }>;
  await as(tenantId);
  return invoice!.id;
}

/** One real record of every billing resource a route takes by id, made through billing's own API. */
export default defineResourceFixtures(async ({ request, transaction, tenantId }) => {
  const group = await request<{ id: string }>('POST', '/api/v1/product-groups', { name: 'Walked group' });
  const product = await request<{ id: string }>('POST', '/api/v1/products', { name: 'Walked hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] });
  const client = await request<{ id: string }>('POST', '/api/v1/clients', { email: 'walked@client.test', firstName: 'Walked', lastName: 'Client', country: 'US', currency: 'USD' });
  const placed = await request<{ order: { id: string }; invoice: { id: string }; services: Array<{ id: string }> }>('POST', '/api/v1/orders', { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly' }] });
  const coupon = await request<{ id: string }>('POST', '/api/v1/coupons', { code: 'WALKED', type: 'percent', value: 1000, recurring: false });
  const rule = await request<{ id: string }>('POST', '/api/v1/tax-rules', { name: 'Walked tax', country: 'US', state: 'NY', rate: '8.875' });
  // A reseller sub-tenant (the walked tenant is no reseller, so not through the API) in a reseller group, offered the product wholesale.
  const reseller = await transaction(async (trx) => {
    const [row] = (await trx('tenants').insert({ name: 'Walked wholesale reseller', slug: `walked-ws-${randomUUID().slice(0, 8)}`, parent_tenant_id: tenantId, is_reseller: true }).returning('id')) as Array<{ id: string }>;
    return row!.id;
  });
  const resellers = await request<{ id: string }>('POST', '/api/v1/wholesale-groups', { name: 'Walked resellers', memberTenantIds: [reseller] });
  const offer = await request<{ id: string }>('POST', '/api/v1/wholesale-offers', { productId: product.id, groupId: resellers.id, currency: 'USD', prices: { monthly: 400 } });
  const wholesaleInvoice = await transaction((trx) => resellerOfAParent(trx, tenantId));
  return {
    'product-groups': group.id,
    products: product.id,
    clients: client.id,
    orders: placed.order.id,
    invoices: placed.invoice.id,
    services: placed.services[0]!.id,
    coupons: coupon.id,
    'tax-rules': rule.id,
    'wholesale-offers': offer.id,
    'wholesale-groups': resellers.id,
    'wholesale-invoices': wholesaleInvoice,
  };
});
