import type { UiHost, UiMenuItem, UiRoute } from '@mpanel/sdk/ui';
import { en } from './messages.ts';
import { supportHost } from './host.ts';
import { ticketPanels } from './slots.ts';

const staff = (id: string, to: string, order: number, permission: string): UiMenuItem => ({ id, label: `nav.${id}`, to, group: 'support', order, permission });

const ADMIN_ROUTES: UiRoute[] = [
  { path: '/tickets', component: () => import('./admin/TicketQueue.vue'), permission: 'tickets.manage' },
  { path: '/tickets/:id', component: () => import('./admin/TicketView.vue'), permission: 'tickets.manage' },
  { path: '/ticket-departments', component: () => import('./admin/DepartmentList.vue'), permission: 'ticket-departments.write' },
  { path: '/canned-replies', component: () => import('./admin/CannedReplies.vue'), permission: 'canned-replies.write' },
];
const ADMIN_MENU: UiMenuItem[] = [
  staff('tickets', '/tickets', 10, 'tickets.manage'),
  staff('ticket-departments', '/ticket-departments', 20, 'ticket-departments.write'),
  staff('canned-replies', '/canned-replies', 30, 'canned-replies.write'),
];
// `/tickets/new` before `/tickets/:id`, so "new" is no ticket id.
const PORTAL_ROUTES: UiRoute[] = [
  { path: '/tickets', component: () => import('./portal/MyTickets.vue'), permission: 'tickets.read' },
  { path: '/tickets/new', component: () => import('./portal/NewTicket.vue'), permission: 'tickets.write' },
  { path: '/tickets/:id', component: () => import('./portal/PortalTicket.vue'), permission: 'tickets.read' },
];
const PORTAL_MENU: UiMenuItem[] = [{ id: 'portalTickets', label: 'nav.portalTickets', to: '/tickets', group: 'portal', order: 40, permission: 'tickets.read' }];

/** The tickets area's menus and pages: the staff queue and its screens, the client's tickets. */
export function setupTicketsUi(host: UiHost): void {
  supportHost.set(host);
  if (host.area === 'admin') host.offer(ticketPanels);
  host.addMessages('en', en);
  const [routes, menu] = host.area === 'admin' ? [ADMIN_ROUTES, ADMIN_MENU] : [PORTAL_ROUTES, PORTAL_MENU];
  for (const route of routes) host.addRoute(route);
  for (const item of menu) host.addMenuItem(item);
}
