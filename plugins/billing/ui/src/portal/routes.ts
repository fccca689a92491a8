import type { UiRoute } from '@mpanel/sdk/ui';
import { date, ListPage, money } from '@mpanel/sdk/ui/vue';
import { withProps } from '../with-props.ts';

/** The client's own services (the API answers only its own). */
const SERVICES = {
  title: 'portal.services',
  endpoint: '/services',
  columns: [
    { key: 'domain', label: 'billing.name', format: (v: unknown, r: Record<string, unknown>) => String(v ?? r.productName ?? '') },
    { key: 'status', label: 'billing.status' },
    { key: 'amount', label: 'billing.amount', format: (_: unknown, r: Record<string, unknown>) => money(r.amount, r.currency) },
    { key: 'nextDueDate', label: 'billing.nextDue', format: date },
  ],
};

/** Billing's portal pages, at the URLs they always had (`/client/invoices/<id>` is in the invoice mails). */
export const PORTAL_ROUTES: UiRoute[] = [
  { path: '/invoices', component: () => import('./PortalInvoices.vue'), permission: 'invoices.read' },
  { path: '/invoices/:id', component: () => import('./PortalInvoice.vue'), permission: 'invoices.read' },
  { path: '/order', component: () => import('./PortalOrder.vue'), permission: 'orders.create' },
  { path: '/services', component: withProps(ListPage, SERVICES), permission: 'services.read' },
];
