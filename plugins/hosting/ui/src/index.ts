/**
 * Hosting's screens: the staff app's servers, groups and grants, plans, accounts and the
 * Provisioning page, a "needs attention" dashboard widget and the "Hosting" tab on billing's
 * service page; the portal's hosting accounts (set-up progress, websites, databases, SFTP, cron,
 * usage). Everything is added through the host, so a tenant without hosting has none of it.
 */
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { hostingHost } from './host.ts';
import { en } from './messages.ts';
import { ADMIN_MENU, PORTAL_MENU } from './nav.ts';
import { ADMIN_ROUTES } from './admin/routes.ts';
import { PORTAL_ROUTES } from './portal/routes.ts';
import { P } from './permissions.ts';
import { HOSTING_SLOTS } from './slots.ts';

/** Billing's slot on its staff service page (filled by name: hosting imports nothing of billing's UI). */
const BILLING_SERVICE_TABS = 'billing.service.tabs';

export default defineUiPlugin({
  id: 'hosting',
  setup(host) {
    hostingHost.set(host);
    host.addMessages('en', en);
    for (const slot of HOSTING_SLOTS) host.offer(slot);
    if (host.area === 'admin') {
      for (const route of ADMIN_ROUTES) host.addRoute(route);
      for (const item of ADMIN_MENU) host.addMenuItem(item);
      host.addWidget({ id: 'needs-attention', title: '', size: 1, permission: P.operationsRead, component: () => import('./admin/AttentionWidget.vue') });
      host.fill(BILLING_SERVICE_TABS, { id: 'hosting', title: en.hosting.tab, permission: P.accountsRead, order: 10, component: () => import('./admin/ServiceHostingTab.vue') });
    } else {
      for (const route of PORTAL_ROUTES) host.addRoute(route);
      for (const item of PORTAL_MENU) host.addMenuItem(item);
    }
  },
});
