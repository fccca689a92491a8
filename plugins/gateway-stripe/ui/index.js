// gateway-stripe's browser side: the portal's "Payment methods" page, where a client saves a card
// with Stripe's Payment Element, picks the default for automatic charges and removes cards. Plain
// ESM loaded at run time (`vue`, `primevue/*` and `@mpanel/sdk/ui` through the page's import map);
// the page's own module is fetched only when the page is opened.
import { defineUiPlugin } from '@mpanel/sdk/ui';

const CARDS = 'stripe-cards.manage';

export default defineUiPlugin({
  id: 'gateway-stripe',
  setup(host) {
    if (host.area !== 'portal') return;
    host.addPortalPage({
      path: 'payment-methods',
      title: 'Payment methods',
      label: 'Payment methods',
      permission: CARDS,
      component: async () => (await import('./payment-methods.js')).paymentMethodsPage(host),
    });
  },
});
