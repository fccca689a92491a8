// Stripe.js for this plugin's pages: the URL comes from the plugin's own config endpoint and the
// host loads it (its origin is declared in the manifest's `ui.externalOrigins`, so the CSP allows it).

/** @type {Map<string, unknown>} one Stripe instance per publishable key, as Stripe recommends */
const instances = new Map();

/**
 * @param {import('@mpanel/sdk/ui').UiHost} host
 * @param {string} publishableKey
 */
export async function stripeFor(host, publishableKey) {
  if (!instances.has(publishableKey)) {
    const config = await host.api.get('/gateway-stripe/config');
    await host.loadScript(config.stripeJsUrl);
    if (typeof window.Stripe !== 'function') throw new Error('Stripe.js did not define Stripe()');
    instances.set(publishableKey, window.Stripe(publishableKey));
  }
  return instances.get(publishableKey);
}
