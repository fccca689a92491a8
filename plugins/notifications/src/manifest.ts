import type { PluginManifest } from '@mpanel/sdk';

const ADMINS = ['super_admin', 'admin'];
const STAFF = ['super_admin', 'admin', 'manager', 'billing', 'support', 'technician'];

export const manifest: PluginManifest = {
  id: 'notifications',
  name: 'Notifications',
  version: '0.1.0',
  description: 'The bell, notification mails and digests by each user\'s preferences; branded mail templates a tenant edits per language; the mail log',
  license: 'MIT',
  category: 'feature',
  engines: { mpanel: '>=0.1.0' },
  resources: ['notifications', 'mail-templates', 'mail-log'],
  provides: { services: ['notifications'] },
  permissions: [
    { name: 'notifications.read', description: 'See and manage one\'s own notifications and preferences', defaultRoles: [...STAFF, 'reseller', 'client'] },
    { name: 'mail-templates.read', description: 'See mail templates and preview them', defaultRoles: [...ADMINS, 'manager'] },
    { name: 'mail-templates.write', description: 'Edit, test-send and reset mail templates', defaultRoles: ADMINS },
    { name: 'mail-log.read', description: 'See the mails sent to clients', defaultRoles: [...STAFF, 'client'] },
    { name: 'mail-log.resend', description: 'Resend a logged mail', defaultRoles: [...ADMINS, 'manager', 'billing', 'support'] },
  ],
  events: { emits: [], subscribes: ['mail.sent', 'mail.failed'] },
  ui: {
    settingsPages: [{ id: 'mail-templates', label: 'Mail templates', path: '/admin/settings/mail-templates', permission: 'mail-templates.read' }],
  },
  entry: { server: 'plugin.ts', migrations: 'migrations', ui: 'ui/dist/index.js' },
  bootFailure: 'continue',
};
