import type { PermissionDefinition } from '@mpanel/sdk';

const STAFF = ['super_admin', 'admin', 'manager', 'support'];
const MANAGERS = ['super_admin', 'admin', 'manager'];

const perm = (name: string, description: string, defaultRoles: string[]): PermissionDefinition => ({ name, description, defaultRoles });

/** Client users act on their own account's tickets only (the ownership rule), so `client` may hold read/write. */
export const TICKET_PERMISSIONS: PermissionDefinition[] = [
  perm('tickets.read', 'See tickets and their messages', [...STAFF, 'client']),
  perm('tickets.write', 'Open and answer tickets', [...STAFF, 'client']),
  perm('tickets.manage', 'Staff work on tickets: assign, internal notes, merge, split, statuses, SLA settings', STAFF),
  perm('ticket-departments.write', 'Create and edit support departments', MANAGERS),
  perm('canned-replies.write', 'Create and edit canned replies', STAFF),
  perm('support.maintenance', 'Run the SLA check and auto-close now, or as of another time', ['super_admin', 'admin']),
];

export const TICKET_EVENTS = [
  'ticket.created', 'ticket.replied', 'ticket.statusChanged', 'ticket.assigned', 'ticket.merged',
  'ticket.closed', 'ticket.rated', 'ticket.slaWarning', 'ticket.slaBreached',
];
