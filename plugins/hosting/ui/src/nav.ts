import type { UiMenuItem } from '@mpanel/sdk/ui';
import { P } from './permissions.ts';

/**
 * Hosting's menu: the staff app's "Hosting" group and the portal's entry. Each entry names the
 * permission its screen's API route requires, so a user never sees a link that would answer 403.
 */
const staff = (id: string, to: string, order: number, permission: string): UiMenuItem => ({ id, label: `nav.${id}`, to, group: 'hosting', order, permission });

export const ADMIN_MENU: UiMenuItem[] = [
  staff('hostingAccounts', '/hosting-accounts', 10, P.accountsRead),
  staff('provisioning', '/provisioning', 20, P.operationsRead),
  staff('servers', '/servers', 30, P.serversRead),
  staff('serverGroups', '/server-groups', 40, P.groupsRead),
  staff('hostingPlans', '/hosting-plans', 50, P.plansRead),
];

export const PORTAL_MENU: UiMenuItem[] = [{ id: 'portalHosting', label: 'nav.portalHosting', to: '/hosting', group: 'portal', order: 25, permission: P.accountsRead }];
