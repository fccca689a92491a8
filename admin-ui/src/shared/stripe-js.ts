/**
 * Loads Stripe.js once, from the URL the server names in `<meta name="mpanel-stripe-js">` (the
 * real https://js.stripe.com/v3/ by default; a stand-in in the browser tests). Typed to the few
 * calls the portal makes.
 */
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

let loading: Promise<StripeFactory> | undefined;

export function stripeJsUrl(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="mpanel-stripe-js"]')?.content || 'https://js.stripe.com/v3/';
}

export function loadStripe(publishableKey: string): Promise<StripeJs> {
  loading ??= new Promise<StripeFactory>((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { src: stripeJsUrl(), async: true });
    script.addEventListener('load', () => {
      const factory = (window as unknown as { Stripe?: StripeFactory }).Stripe;
      if (factory) resolve(factory);
      else reject(new Error('Stripe.js did not define Stripe()'));
    });
    script.addEventListener('error', () => reject(new Error(`could not load ${script.src}`)));
    document.head.append(script);
  }).catch((err: unknown) => {
    loading = undefined; // a later attempt may succeed
    throw err;
  });
  return loading.then((Stripe) => Stripe(publishableKey));
}
