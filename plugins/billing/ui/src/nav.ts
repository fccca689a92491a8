import type { UiMenuItem } from '@mpanel/sdk/ui';

/**
 * Billing's menu: the staff app's "Billing" group and the portal's entries. Each entry names the
 * permission its screen's API route requires, so a user never sees a link that would answer 403.
 */
const staff = (id: string, to: string, order: number, permission: string): UiMenuItem => ({ id, label: `nav.${id}`, to, group: 'billing', order, permission });
const client = (id: string, to: string, order: number, permission: string): UiMenuItem => ({ id, label: `nav.${id}`, to, group: 'portal', order, permission });

export const ADMIN_MENU: UiMenuItem[] = [
  staff('clients', '/clients', 10, 'clients.read'),
  staff('products', '/products', 20, 'products.read'),
  staff('orders', '/orders', 30, 'orders.read'),
  staff('invoices', '/invoices', 40, 'invoices.read'),
  staff('services', '/services', 50, 'services.read'),
  staff('coupons', '/coupons', 60, 'coupons.read'),
  staff('tax-rules', '/tax-rules', 70, 'tax-rules.read'),
  staff('billingRun', '/billing-run', 80, 'billing.run'),
  // The parent's side of wholesale, then the reseller's (a tenant can be both).
  staff('wholesale-offers', '/wholesale-offers', 90, 'wholesale.manage'),
  staff('wholesale-groups', '/wholesale-groups', 91, 'wholesale.manage'),
  staff('wholesaleReport', '/wholesale-report', 92, 'wholesale.manage'),
  staff('wholesaleCatalogue', '/wholesale-catalogue', 93, 'wholesale.purchase'),
  staff('wholesaleAccount', '/wholesale-account', 94, 'wholesale.purchase'),
];

export const PORTAL_MENU: UiMenuItem[] = [
  client('portalInvoices', '/invoices', 10, 'invoices.read'),
  client('portalServices', '/services', 20, 'services.read'),
  client('portalOrder', '/order', 30, 'orders.create'),
];

/** The permission of a staff screen, by its menu id (list routes reuse the menu's). */
export const permissionOf = (id: string): string | undefined => ADMIN_MENU.find((e) => e.id === id)?.permission;
