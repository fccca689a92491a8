import type { ConnectionTestResult, ExtensionCallContext, Money } from './common.ts';

export interface PaymentCustomer {
  clientId: string;
  email: string;
  name: string;
  /** The gateway's own customer id, when one was stored earlier. */
  gatewayCustomerId?: string;
}

export interface CreatePaymentInput {
  invoiceId: string;
  invoiceNumber: string;
  amount: Money;
  customer: PaymentCustomer;
  /** Where the gateway sends the payer back after a redirect flow. */
  returnUrl?: string;
  /** Echoed back in webhooks (the invoice id lives here). */
  metadata?: Record<string, string>;
  /** Idempotency key for the provider call. */
  idempotencyKey?: string;
}

/** What the payer's browser needs to finish paying. */
export interface PaymentSession {
  /** The gateway's transaction / intent id. */
  id: string;
  status: 'requires_action' | 'pending' | 'succeeded' | 'failed';
  /** Client-side confirmation (Stripe's client secret). */
  clientSecret?: string;
  /** Redirect-based gateways (PayPal, bank pages). */
  redirectUrl?: string;
  /** Anything else the portal's gateway component needs (publishable key...). */
  client?: Record<string, unknown>;
}

export interface RefundInput {
  transactionId: string;
  amount: Money;
  reason?: string;
  idempotencyKey?: string;
}

export interface RefundResult {
  refundId: string;
  status: 'succeeded' | 'pending' | 'failed';
}

/** A verified webhook turned into what billing should do; `ignored` for events it does not care about. */
export type GatewayWebhookOutcome =
  | { type: 'payment.succeeded'; transactionId: string; amount: Money; invoiceId?: string; paidAt: string }
  | { type: 'payment.failed'; transactionId: string; invoiceId?: string; reason?: string }
  | { type: 'refund.succeeded'; transactionId: string; refundId: string; amount: Money }
  | { type: 'ignored'; eventType: string };

export interface GatewayWebhookInput {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A payment gateway (Stripe, PayPal, manual bank transfer). Provided with
 * `ctx.extensions.provide(extensionPoints.paymentGateway, 'stripe', gateway)`; billing picks it by
 * the key the client chose. Amounts are integer minor units.
 */
export interface PaymentGateway<TSettings = Record<string, unknown>> {
  /** Shown to clients at checkout. */
  displayName: string;
  capabilities: {
    refunds: boolean;
    /** Cards / mandates kept for automatic renewal charges. */
    savedMethods: boolean;
    /** Partial amounts (pay part of an invoice). */
    partialPayments: boolean;
    currencies?: string[];
  };
  /**
   * Whether the tenant has set this gateway up well enough to take money (its keys are stored).
   * Billing offers clients only usable gateways and charges only through them; absent = always
   * usable (a gateway with nothing to configure). Cheap: asked per request and per billing run.
   */
  isUsable?(ctx: ExtensionCallContext<TSettings>): Promise<boolean>;
  /** Starts paying an invoice. */
  createPayment(ctx: ExtensionCallContext<TSettings>, input: CreatePaymentInput): Promise<PaymentSession>;
  /** Charges a saved method off-session (renewals); absent when `savedMethods` is false. */
  chargeSaved?(ctx: ExtensionCallContext<TSettings>, input: CreatePaymentInput & { paymentMethodId: string }): Promise<PaymentSession>;
  refund?(ctx: ExtensionCallContext<TSettings>, input: RefundInput): Promise<RefundResult>;
  /** Verifies the signature (throw a 400 `HttpError` on a bad one) and interprets the event. */
  handleWebhook?(ctx: ExtensionCallContext<TSettings>, input: GatewayWebhookInput): Promise<GatewayWebhookOutcome>;
  testConnection?(ctx: ExtensionCallContext<TSettings>): Promise<ConnectionTestResult>;
}
