import type { UiRoute } from '@mpanel/sdk/ui';
import { CreatePage, ListPage } from '@mpanel/sdk/ui/vue';
import { withProps } from '../with-props.ts';
import { LIST_SCREENS } from './lists.ts';
import { CREATE_SCREENS } from './forms.ts';
import { permissionOf } from '../nav.ts';
import { WHOLESALE_ROUTES } from '../wholesale/routes.ts';


/**
 * Billing's staff pages, at the URLs they always had (`/admin/clients/<id>`, ...): links in mails,
 * bookmarks and the browser tests keep working. Detail pages get the record id as a prop.
 */
export const ADMIN_ROUTES: UiRoute[] = [
  ...Object.entries(LIST_SCREENS).map(([id, screen]) => ({ path: `/${id}`, component: withProps(ListPage, screen), permission: permissionOf(id) })),
  ...Object.entries(CREATE_SCREENS).map(([id, screen]) => ({ path: `/${id}/new`, component: withProps(CreatePage, screen), permission: screen.permission })),
  { path: '/clients/:id', component: () => import('./ClientDetailView.vue'), permission: 'clients.read' },
  { path: '/products/new', component: () => import('./ProductFormView.vue'), permission: 'products.write' },
  { path: '/products/:id', component: () => import('./ProductFormView.vue'), permission: 'products.write' },
  { path: '/orders/new', component: () => import('./OrderNewView.vue'), permission: 'orders.create' },
  { path: '/invoices/:id', component: () => import('./InvoiceDetailView.vue'), permission: 'invoices.read' },
  { path: '/services/:id', component: () => import('./ServiceDetailView.vue'), permission: 'services.read' },
  { path: '/billing-run', component: () => import('./BillingRunView.vue'), permission: 'billing.run' },
  ...WHOLESALE_ROUTES,
];
