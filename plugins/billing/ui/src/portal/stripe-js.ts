/**
 * Loads Stripe.js once, from the URL gateway-stripe's pay session names (the real
 * https://js.stripe.com/v3/ by default; a stand-in in the browser tests): the page's CSP allows it
 * because the plugin's manifest declares its origin. Typed to the few calls the portal makes.
 */
import { host } from '../host.ts';

export interface StripeElement {
  mount(target: string | HTMLElement): void;
  destroy?(): void;
}
export interface StripeElements {
  create(type: 'payment', options?: Record<string, unknown>): StripeElement;
}
export interface StripeJs {
  elements(options: { clientSecret: string; appearance?: Record<string, unknown> }): StripeElements;
  confirmPayment(options: { elements: StripeElements; redirect?: 'if_required'; confirmParams?: { return_url?: string } }): Promise<{
    error?: { message?: string };
    paymentIntent?: { id: string; status: string };
  }>;
}
type StripeFactory = (publishableKey: string) => StripeJs;

export async function loadStripe(publishableKey: string, url = 'https://js.stripe.com/v3/'): Promise<StripeJs> {
  await host().loadScript(url);
  const factory = (window as unknown as { Stripe?: StripeFactory }).Stripe;
  if (!factory) throw new Error('Stripe.js did not define Stripe()');
  return factory(publishableKey);
}
