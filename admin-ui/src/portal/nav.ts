import type { NavEntry } from '../shared/extensions.ts';

export const PORTAL_GROUPS = ['portal'];

/** The portal menu; plugin portal pages join the same group. */
export const PORTAL_NAV: NavEntry[] = [
  { id: 'portalHome', label: 'nav.portalHome', to: '/', group: 'portal', order: 0 },
  { id: 'portalInvoices', label: 'nav.portalInvoices', to: '/invoices', group: 'portal', order: 10, permission: 'invoices.read' },
  { id: 'portalServices', label: 'nav.portalServices', to: '/services', group: 'portal', order: 20, permission: 'services.read' },
  { id: 'portalOrder', label: 'nav.portalOrder', to: '/order', group: 'portal', order: 30, permission: 'orders.create' },
  { id: 'portalAccount', label: 'nav.portalAccount', to: '/account', group: 'portal', order: 40 },
];
