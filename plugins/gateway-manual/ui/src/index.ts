// The manual gateway's browser side: a panel on the portal's (and the admin's) invoice page with
// the bank-transfer instructions for that invoice. Built by `mpanel plugin:build` into
// ui/dist/index.js; `vue` and `@mpanel/sdk/ui` stay bare imports resolved through the host page's
// import map, so the admin UI is not rebuilt to add it.
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { setHost } from './host.ts';

const VIEW = 'manual-payments.view';

export default defineUiPlugin({
  id: 'gateway-manual',
  setup(host) {
    setHost(host);
    // Billing's invoice slots (plugins/billing/ui/src/slots.ts: portalInvoicePanels, invoicePanels).
    const slot = host.area === 'portal' ? 'billing.portal-invoice.panels' : 'billing.invoice.panels';
    // No panel title from the host: the component renders its own heading, or nothing once paid.
    host.fill(slot, { id: 'instructions', permission: VIEW, component: () => import('./InstructionsPanel.vue') });
  },
});
