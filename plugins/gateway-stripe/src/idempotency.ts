/**
 * Idempotency keys for calls that create money movements at Stripe. Stripe replays the first answer
 * for a key for 24 h, so a double click, a retried request or a rerun job reuses the same object
 * instead of creating a second charge. Keys include the tenant: one Stripe account may (wrongly)
 * be configured for two tenants, and their invoices must not collide.
 */

/** Paying an invoice in the portal: one PaymentIntent per invoice and amount due. */
export function checkoutKey(tenantId: string, invoiceId: string, amount: number, currency: string): string {
  return `mpanel:${tenantId}:invoice:${invoiceId}:pay:${currency.toLowerCase()}:${amount}`;
}

/** Off-session (automatic) charge: one attempt per invoice and attempt number, whatever the amount. */
export function offSessionKey(tenantId: string, invoiceId: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError('attempt must be a positive integer');
  return `mpanel:${tenantId}:invoice:${invoiceId}:charge:${attempt}`;
}

/** A refund requested in mPanel: one per request id (the caller's refund record or request id). */
export function refundKey(tenantId: string, transactionId: string, requestId: string): string {
  return `mpanel:${tenantId}:refund:${transactionId}:${requestId}`;
}

/** The Stripe Customer of a client: created once even if two payments start at the same time. */
export function customerKey(tenantId: string, clientId: string): string {
  return `mpanel:${tenantId}:customer:${clientId}`;
}
