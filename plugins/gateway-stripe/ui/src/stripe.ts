// Stripe.js for this plugin's pages: the URL comes from the plugin's own config endpoint and the
// host loads it (its origin is declared in the manifest's `ui.externalOrigins`, so the CSP allows it).
import { host } from './host.ts';

/** The part of Stripe.js the page uses (a SetupIntent confirmed with the Payment Element). */
export interface StripeElement {
  mount(target: HTMLElement): void;
  destroy?(): void;
}
export interface StripeElements {
  create(type: 'payment'): StripeElement;
}
export interface Stripe {
  elements(options: { clientSecret: string }): StripeElements;
  confirmSetup(options: { elements: StripeElements; redirect: 'if_required'; confirmParams: { return_url: string } }): Promise<{ error?: { message?: string }; setupIntent?: { id: string } }>;
}

export interface GatewayConfig {
  publishableKey: string | null;
  stripeJsUrl: string;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => Stripe;
  }
}

/** One Stripe instance per publishable key, as Stripe recommends. */
const instances = new Map<string, Stripe>();

export async function stripeFor(publishableKey: string): Promise<Stripe> {
  let stripe = instances.get(publishableKey);
  if (!stripe) {
    const config = await host.get().api.get<GatewayConfig>('/gateway-stripe/config');
    await host.get().loadScript(config.stripeJsUrl);
    if (typeof window.Stripe !== 'function') throw new Error('Stripe.js did not define Stripe()');
    stripe = window.Stripe(publishableKey);
    instances.set(publishableKey, stripe);
  }
  return stripe;
}
