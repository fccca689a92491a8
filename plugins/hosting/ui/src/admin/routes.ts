import type { UiRoute } from '@mpanel/sdk/ui';
import { CreatePage, ListPage } from '@mpanel/sdk/ui/vue';
import { withProps } from '../with-props.ts';
import { LIST_SCREENS } from './lists.ts';
import { CREATE_SCREENS } from './forms.ts';
import { P } from '../permissions.ts';

/**
 * Hosting's staff pages, at app paths (`/admin/servers/<id>`, `/admin/provisioning?status=…`):
 * the links in staff mails and toasts point here. Detail pages get the record id as a prop.
 */
export const ADMIN_ROUTES: UiRoute[] = [
  ...Object.entries(LIST_SCREENS).map(([id, { permission, ...screen }]) => ({ path: `/${id}`, component: withProps(ListPage, screen), permission })),
  ...Object.entries(CREATE_SCREENS).map(([id, screen]) => ({ path: `/${id}/new`, component: withProps(CreatePage, screen), permission: screen.permission })),
  { path: '/servers/:id', component: () => import('./ServerDetailView.vue'), permission: P.serversRead },
  { path: '/servers/:id/import', component: () => import('./ImportView.vue'), permission: P.importsRun },
  { path: '/server-groups/:id', component: () => import('./ServerGroupView.vue'), permission: P.groupsRead },
  { path: '/hosting-plans/new', component: () => import('./PlanFormView.vue'), permission: P.plansWrite },
  // Editing needs write (as billing's products/:id); the list shows the limits to readers.
  { path: '/hosting-plans/:id', component: () => import('./PlanFormView.vue'), permission: P.plansWrite },
  { path: '/hosting-accounts/:id', component: () => import('./AccountDetailView.vue'), permission: P.accountsRead },
  { path: '/provisioning', component: () => import('./ProvisioningView.vue'), permission: P.operationsRead },
  { path: '/provisioning/:id', component: () => import('./OperationDetailView.vue'), permission: P.operationsRead },
];
