import type { NavEntry } from '../shared/extensions.ts';

/** Menu groups in display order; `*` stands for the groups plugins name (billing's), plugin entries without a group go to `plugins`. */
export const ADMIN_GROUPS = ['overview', '*', 'platform', 'plugins'];

const entry = (id: string, to: string, group: string, order: number, permission?: string): NavEntry => ({ id, label: `nav.${id}`, to, group, order, permission });

/**
 * The core menu. Each entry names the permission that shows it (the same one its API route
 * requires), so a user never sees a link that would answer 403.
 */
export const ADMIN_NAV: NavEntry[] = [
  entry('dashboard', '/', 'overview', 0),
  entry('users', '/users', 'platform', 10, 'users.read'),
  entry('roles', '/roles', 'platform', 20, 'roles.read'),
  entry('tenants', '/tenants', 'platform', 30, 'tenants.read'),
  entry('pluginList', '/plugins', 'platform', 40, 'plugins.read'),
  entry('webhooks', '/webhooks', 'platform', 50, 'webhooks.read'),
  entry('mail', '/mail', 'platform', 55, 'mail.read'),
  entry('jobs', '/jobs', 'platform', 60, 'jobs.read'),
  entry('workflows', '/workflows', 'platform', 65, 'workflows.read'),
  entry('audit', '/audit', 'platform', 70, 'audit-logs.read'),
];

/** The permission of a core screen, by its menu id (routes reuse the menu's permission). */
export const permissionOf = (id: string): string | undefined => ADMIN_NAV.find((e) => e.id === id)?.permission;
