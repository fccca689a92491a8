// gateway-stripe's browser side: the portal's "Payment methods" page, where a client saves a card
// with Stripe's Payment Element, picks the default for automatic charges and removes cards. Built
// by `mpanel plugin:build` (ui/src → ui/dist); `vue`, `primevue/*` and `@mpanel/sdk/ui` stay bare
// imports resolved through the page's import map. The page's own chunk loads only when it opens.
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { host as pluginHost } from './host.ts';

const CARDS = 'stripe-cards.manage';

export default defineUiPlugin({
  id: 'gateway-stripe',
  setup(host) {
    if (host.area !== 'portal') return;
    pluginHost.set(host);
    host.addPortalPage({
      path: 'payment-methods',
      title: 'Payment methods',
      label: 'Payment methods',
      permission: CARDS,
      component: () => import('./PaymentMethodsPage.vue'),
    });
  },
});
