import type { HttpMethod } from '@mpanel/sdk';

/** A route the assistant may use, under the tool name the model sees. */
export interface AllowedRoute {
  tool: string;
  method: HttpMethod;
  path: string;
  /** What it does, for the model (the route's own summary is added when it has one) and for proposals. */
  label: string;
  /** Reads run at once; writes only become proposals the user confirms. */
  kind: 'read' | 'write';
}

const read = (tool: string, path: string, label: string): AllowedRoute => ({ tool, method: 'GET', path, label, kind: 'read' });
const write = (tool: string, path: string, label: string): AllowedRoute => ({ tool, method: 'POST', path, label, kind: 'write' });

/**
 * The only routes the assistant can reach. The route's permission and ownership rules still
 * apply to every call (it runs with the user's token): this list only narrows further. A route
 * not registered in this installation (its plugin absent) is left out of the tools.
 */
export const ALLOWED_ROUTES: readonly AllowedRoute[] = [
  read('list_clients', '/api/v1/clients', 'List client accounts'),
  read('get_client', '/api/v1/clients/:id', 'Get one client account'),
  read('list_services', '/api/v1/services', 'List services'),
  read('get_service', '/api/v1/services/:id', 'Get one service'),
  read('list_invoices', '/api/v1/invoices', 'List invoices'),
  read('get_invoice', '/api/v1/invoices/:id', 'Get one invoice with its lines'),
  read('list_tickets', '/api/v1/tickets', 'List support tickets'),
  read('get_ticket', '/api/v1/tickets/:id', 'Get one support ticket with its messages'),
  read('list_hosting_accounts', '/api/v1/hosting-accounts', 'List hosting accounts'),
  read('get_hosting_account', '/api/v1/hosting-accounts/:id', 'Get one hosting account'),
  write('suspend_service', '/api/v1/services/:id/suspend', 'Suspend a service'),
  write('unsuspend_service', '/api/v1/services/:id/unsuspend', 'Unsuspend a service'),
  write('close_ticket', '/api/v1/tickets/:id/close', 'Close a support ticket'),
];
