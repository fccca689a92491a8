/**
 * Billing's screens: the staff app's clients, catalogue, orders, invoices, services, coupons, tax
 * rules and billing run; the portal's invoices, paying, ordering and services; dashboard figures.
 * Everything is added through the host, so a tenant with billing disabled has none of it.
 */
import { defineUiPlugin, platformSlots } from '@mpanel/sdk/ui';
import { billingHost } from './host.ts';
import { en } from './messages.ts';
import { ADMIN_MENU, PORTAL_MENU } from './nav.ts';
import { ADMIN_ROUTES } from './admin/routes.ts';
import { PORTAL_ROUTES } from './portal/routes.ts';
import { BILLING_SLOTS } from './slots.ts';

export default defineUiPlugin({
  id: 'billing',
  setup(host) {
    billingHost.set(host);
    host.addMessages('en', en);
    for (const slot of BILLING_SLOTS) host.offer(slot);
    if (host.area === 'admin') {
      for (const route of ADMIN_ROUTES) host.addRoute(route);
      for (const item of ADMIN_MENU) host.addMenuItem(item);
      host.addWidget({ id: 'figures', title: '', size: 3, component: () => import('./admin/BillingFigures.vue') });
    } else {
      for (const route of PORTAL_ROUTES) host.addRoute(route);
      for (const item of PORTAL_MENU) host.addMenuItem(item);
      // First on the client's home (order 10), before what other plugins put there.
      host.fill(platformSlots.portalDashboard, { id: 'figures', order: 10, component: () => import('./portal/PortalFigures.vue') });
      host.fill(platformSlots.portalAccount, { id: 'client-profile', permission: 'clients.read', component: () => import('./portal/ClientProfile.vue') });
    }
  },
});
