import type { NavEntry } from '../shared/extensions.ts';

export const PORTAL_GROUPS = ['portal'];

/** The portal menu; plugin portal pages join the same group. */
export const PORTAL_NAV: NavEntry[] = [
  { id: 'portalHome', label: 'nav.portalHome', to: '/', group: 'portal', order: 0 },
  { id: 'portalAccount', label: 'nav.portalAccount', to: '/account', group: 'portal', order: 40 },
];
