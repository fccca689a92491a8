import { hostHolder } from '@mpanel/sdk/ui';

/** The host this plugin was set up with: the page calls the API and loads Stripe.js through it. */
export const host = hostHolder('gateway-stripe');
