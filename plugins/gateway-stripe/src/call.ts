import type Stripe from 'stripe';
import type { PluginLogger } from '@mpanel/sdk';
import type { GatewayBilling } from './billing-port.ts';
import type { StripeStore } from './store.ts';

/** The gateway's key in billing (`payments.gateway`) and in the extension point. */
export const GATEWAY = 'stripe';

/** Events this plugin emits (declared in the manifest). */
export const EVENTS = {
  paymentFailed: 'payment.failed',
  paymentActionRequired: 'payment.actionRequired',
  invoiceDisputed: 'invoice.disputed',
  paymentMethodSaved: 'paymentMethod.saved',
} as const;

/**
 * Everything one operation for one tenant needs: its Stripe account, the gateway's tables and
 * billing, all bound to the same tenant and transaction.
 */
export interface StripeCall {
  tenantId: string;
  stripe: Stripe;
  store: StripeStore;
  billing: GatewayBilling;
  logger: PluginLogger;
  emit(name: string, payload: Record<string, unknown>): Promise<unknown>;
}

/** Stripe fields that are an id or, when expanded, the object. */
export function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}
