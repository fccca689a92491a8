import type { PermissionDefinition, PluginManifest } from '@mpanel/sdk';
import { settingsSchema } from './settings.ts';
import { FORCE_RUN_PERMISSION } from './run/run-date.ts';

const STAFF = ['super_admin', 'admin', 'manager', 'billing'];
const SUPPORT = [...STAFF, 'support'];

function perm(name: string, description: string, defaultRoles: string[]): PermissionDefinition {
  return { name, description, defaultRoles };
}

/** Client users act on their own account only (the ownership rule), so `client` may hold these. */
export const PERMISSIONS: PermissionDefinition[] = [
  perm('clients.read', 'See client accounts', [...SUPPORT, 'client']),
  perm('clients.write', 'Create and edit client accounts', STAFF),
  perm('clients.delete', 'Delete client accounts without history', ['super_admin', 'admin']),
  perm('products.read', 'See the product catalogue', [...SUPPORT, 'technician', 'client']),
  perm('products.write', 'Edit products, prices and options', ['super_admin', 'admin', 'manager']),
  perm('orders.read', 'See orders', [...SUPPORT, 'client']),
  perm('orders.create', 'Place orders', [...STAFF, 'client']),
  perm('invoices.read', 'See invoices and download their PDF', [...SUPPORT, 'client']),
  perm('invoices.pay', 'Pay an invoice through a gateway', [...STAFF, 'client']),
  perm('invoices.refund', 'Refund payments', STAFF),
  perm('payments.record', 'Record payments by hand', STAFF),
  perm('services.read', 'See services', [...SUPPORT, 'technician', 'client']),
  perm('services.suspend', 'Suspend and unsuspend services', [...STAFF, 'technician']),
  perm('services.terminate', 'Terminate services', STAFF),
  perm('services.cancel', 'Request cancellation of a service', [...STAFF, 'client']),
  perm('services.upgrade', 'Upgrade or downgrade a service', [...STAFF, 'client']),
  perm('coupons.read', 'See coupons', STAFF),
  perm('coupons.write', 'Create coupons', ['super_admin', 'admin', 'manager']),
  perm('tax-rules.read', 'See tax rules', STAFF),
  perm('tax-rules.write', 'Edit tax rules', ['super_admin', 'admin']),
  perm('billing.run', 'Start the billing run', ['super_admin', 'admin', 'billing']),
  perm(FORCE_RUN_PERMISSION, 'Run billing for a date outside the tenant\'s window (catching up, or testing ahead)', ['super_admin', 'admin']),
  perm('billing.reports.read', 'See billing figures (revenue, MRR, unpaid and overdue totals)', STAFF),
  perm('wholesale.manage', 'Offer products to reseller sub-tenants at wholesale prices; see the wholesale report', ['super_admin', 'admin', 'manager']),
  perm('wholesale.purchase', 'See the wholesale offers received from the parent tenant and adopt them into the catalogue', ['super_admin', 'admin', 'manager']),
];

export const EVENTS = [
  'client.created', 'client.imported', 'client.updated', 'client.deleted', 'product.created', 'product.updated',
  'order.created', 'order.accepted', 'order.cancelled',
  'invoice.created', 'invoice.paid', 'invoice.reminder', 'invoice.overdue', 'creditNote.issued',
  'payment.received', 'payment.refunded',
  'service.activated', 'service.suspended', 'service.unsuspended', 'service.terminated', 'service.cancelled',
  'service.cancellationRequested', 'service.upgraded', 'service.imported', 'billing.runCompleted',
];

export const manifest: PluginManifest = {
  id: 'billing',
  name: 'Billing',
  version: '0.1.0',
  description: 'Clients, catalogue, orders, services, invoices, taxes, credit, coupons, proration and the billing run',
  license: 'MIT',
  category: 'feature',
  engines: { mpanel: '>=0.1.0' },
  // Today's API names: its permissions, events and routes are named after these.
  resources: ['clients', 'products', 'product-groups', 'orders', 'invoices', 'credit-notes', 'payments', 'services', 'coupons', 'tax-rules', 'wholesale-offers', 'wholesale-groups', 'wholesale-invoices', 'wholesale'],
  provides: { services: ['billing.payments', 'billing.services'] },
  requires: { services: ['identity.portal-users', 'notifications'] },
  // Its mails go through the notifications plugin's templates when it is there (loaded first).
  optionalDependencies: { notifications: '>=0.1.0' },
  permissions: PERMISSIONS,
  events: { emits: EVENTS, subscribes: ['client.created', 'invoice.created', 'creditNote.issued', 'invoice.reminder', 'invoice.overdue', 'payment.received', 'service.suspended', 'payment.failed', 'payment.actionRequired'] },
  settings: settingsSchema as unknown as Record<string, unknown>,
  ui: {
    // Menus and pages come from the UI module (ui/src/index.ts: nav.ts, routes).
    settingsPages: [{ id: 'billing-settings', label: 'Billing', path: '/admin/settings/billing', permission: 'tax-rules.write' }],
  },
  // ui/dist/index.js: built from ui/src by the plugin UI build (git-ignored).
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};
