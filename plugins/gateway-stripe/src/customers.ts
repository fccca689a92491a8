import type { ClientForPayment } from './billing-port.ts';
import type { StripeCall } from './call.ts';
import { customerKey } from './idempotency.ts';

/** The client's Stripe Customer id, created on first need (idempotently, so a race makes one). */
export async function ensureCustomer(call: StripeCall, client: ClientForPayment): Promise<string> {
  const existing = await call.store.customerId(client.id);
  if (existing) return existing;
  const customer = await call.stripe.customers.create(
    { email: client.email, name: client.name, metadata: { clientId: client.id, tenantId: call.tenantId } },
    { idempotencyKey: customerKey(call.tenantId, client.id) },
  );
  return call.store.saveCustomer(client.id, customer.id);
}
