import type { UiRoute } from '@mpanel/sdk/ui';
import { P } from '../permissions.ts';

/** Hosting's portal pages: the client's accounts and one account's websites, databases, SFTP, cron and usage. */
export const PORTAL_ROUTES: UiRoute[] = [
  { path: '/hosting', component: () => import('./HostingHome.vue'), permission: P.accountsRead },
  { path: '/hosting/:id', component: () => import('./AccountView.vue'), permission: P.accountsRead },
];
