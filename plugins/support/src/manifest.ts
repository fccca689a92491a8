import type { PermissionDefinition, PluginManifest } from '@mpanel/sdk';
import { settingsSchema } from './settings.ts';
import { TICKET_PERMISSIONS, TICKET_EVENTS } from './tickets/permissions.ts';
import { KB_PERMISSIONS } from './kb/permissions.ts';
import { ANNOUNCEMENT_PERMISSIONS } from './announcements/permissions.ts';

/**
 * Every area's permissions and events, one spread per area (tickets; the knowledge base and
 * announcements add theirs the same way), so each area keeps its names next to its code.
 */
const PERMISSIONS: PermissionDefinition[] = [...TICKET_PERMISSIONS, ...KB_PERMISSIONS, ...ANNOUNCEMENT_PERMISSIONS];
const EVENTS: string[] = [...TICKET_EVENTS];

export const manifest: PluginManifest = {
  id: 'support',
  name: 'Support',
  version: '0.1.0',
  description: 'Support desk: tickets, departments, SLAs, mail in and out, attachments, knowledge base and announcements',
  license: 'MIT',
  category: 'feature',
  engines: { mpanel: '>=0.1.0' },
  // Tickets belong to billing's client accounts and link to its services and invoices.
  dependencies: { billing: '>=0.1.0' },
  // Announcement mails (and later ticket mails) go through the notifications plugin's templates when it is there.
  optionalDependencies: { notifications: '>=0.1.0' },
  requires: { services: ['notifications'] },
  resources: ['tickets', 'ticket-departments', 'canned-replies', 'support', 'kb', 'announcements'],
  permissions: PERMISSIONS,
  events: { emits: EVENTS, subscribes: [] },
  settings: settingsSchema as unknown as Record<string, unknown>,
  ui: {
    settingsPages: [{ id: 'support-settings', label: 'Support', path: '/admin/settings/support', permission: 'tickets.manage' }],
    // Shown without a session (public articles and announcements only): ui/src/kb/setup.ts, announcements/setup.ts.
    publicPages: [
      { id: 'kb', label: 'Knowledge base', path: '/client/kb' },
      { id: 'kb-article', label: 'Knowledge base', path: '/client/kb/:slug' },
      { id: 'announcements', label: 'Announcements', path: '/client/announcements' },
    ],
  },
  // ui/dist/index.js: built from ui/src by the plugin UI build (git-ignored).
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};
