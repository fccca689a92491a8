import type { NavEntry } from '../shared/extensions.ts';

/** Menu groups in display order; plugin entries default to `plugins`. */
export const ADMIN_GROUPS = ['overview', 'billing', 'platform', 'plugins'];

const entry = (id: string, to: string, group: string, order: number, permission?: string): NavEntry => ({ id, label: `nav.${id}`, to, group, order, permission });

/**
 * The core menu. Each entry names the permission that shows it (the same one its API route
 * requires), so a user never sees a link that would answer 403.
 */
export const ADMIN_NAV: NavEntry[] = [
  entry('dashboard', '/', 'overview', 0),
  entry('clients', '/clients', 'billing', 10, 'clients.read'),
  entry('products', '/products', 'billing', 20, 'products.read'),
  entry('orders', '/orders', 'billing', 30, 'orders.read'),
  entry('invoices', '/invoices', 'billing', 40, 'invoices.read'),
  entry('services', '/services', 'billing', 50, 'services.read'),
  entry('coupons', '/coupons', 'billing', 60, 'coupons.read'),
  entry('tax-rules', '/tax-rules', 'billing', 70, 'tax-rules.read'),
  entry('billingRun', '/billing-run', 'billing', 80, 'billing.run'),
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
