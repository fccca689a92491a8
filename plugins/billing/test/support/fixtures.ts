import type { BillingHarness } from './harness.ts';
import { createClient, type ClientInput } from '../../src/services/clients.ts';
import { createProduct, type ProductInput } from '../../src/services/catalogue.ts';
import { placeOrder, type OrderInput } from '../../src/services/orders.ts';

export async function client(h: BillingHarness, tenantId: string, input: Partial<ClientInput> = {}) {
  const n = Math.random().toString(36).slice(2, 8);
  return h.as(tenantId, h.staff(tenantId), (b) => createClient(b, {
    email: `${n}@example.test`, firstName: 'Ada', lastName: n, country: 'US', currency: 'USD', ...input,
  }));
}

export async function product(h: BillingHarness, tenantId: string, input: Partial<ProductInput> = {}) {
  return h.as(tenantId, h.staff(tenantId), (b) => createProduct(b, {
    name: 'Web Hosting', type: 'hosting',
    pricing: [
      { currency: 'USD', cycle: 'monthly', amount: 1000, setupFee: 500 },
      { currency: 'USD', cycle: 'annually', amount: 10_000 },
      { currency: 'EUR', cycle: 'monthly', amount: 900 },
    ],
    ...input,
  }));
}

export async function order(h: BillingHarness, tenantId: string, input: OrderInput, today?: string) {
  return h.as(tenantId, h.staff(tenantId), (b) => placeOrder(b, input), today);
}
