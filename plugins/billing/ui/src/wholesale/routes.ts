import type { UiRoute } from '@mpanel/sdk/ui';

/**
 * Wholesale's staff pages: the parent's offers, groups and report (`wholesale.manage`; the groups
 * list is a list screen in admin/lists.ts) and the reseller's catalogue and account
 * (`wholesale.purchase`), each with the permission its API route requires.
 */
export const WHOLESALE_ROUTES: UiRoute[] = [
  { path: '/wholesale-offers', component: () => import('./OffersView.vue'), permission: 'wholesale.manage' },
  { path: '/wholesale-offers/new', component: () => import('./OfferFormView.vue'), permission: 'wholesale.manage' },
  { path: '/wholesale-offers/:id', component: () => import('./OfferFormView.vue'), permission: 'wholesale.manage' },
  { path: '/wholesale-groups/new', component: () => import('./GroupFormView.vue'), permission: 'wholesale.manage' },
  { path: '/wholesale-groups/:id', component: () => import('./GroupFormView.vue'), permission: 'wholesale.manage' },
  { path: '/wholesale-report', component: () => import('./ReportView.vue'), permission: 'wholesale.manage' },
  { path: '/wholesale-catalogue', component: () => import('./CatalogueView.vue'), permission: 'wholesale.purchase' },
  { path: '/wholesale-account', component: () => import('./AccountView.vue'), permission: 'wholesale.purchase' },
];
