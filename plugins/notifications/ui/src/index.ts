/**
 * Notifications' screens: the bell in the shell's header (both areas), the preferences page, the
 * mail template editor (staff) and the mail log panel on billing's client page.
 */
import { defineUiPlugin, platformSlots } from '@mpanel/sdk/ui';
import { setHost } from './host.ts';

export default defineUiPlugin({
  id: 'notifications',
  setup(host) {
    setHost(host);
    host.fill(platformSlots.header, { id: 'bell', permission: 'notifications.read', component: () => import('./NotificationBell.vue') });
    const preferences = { path: 'preferences', title: 'Notification preferences', permission: 'notifications.read', component: () => import('./PreferencesView.vue') };
    if (host.area === 'admin') {
      host.addRoute(preferences);
      host.addRoute({ path: 'mail-templates', title: 'Mail templates', permission: 'mail-templates.read', component: () => import('./TemplateEditorView.vue') });
      host.addMenuItem({ id: 'mail-templates', label: 'Mail templates', to: 'mail-templates', group: 'platform', permission: 'mail-templates.read' });
      host.addMenuItem({ id: 'preferences', label: 'Notifications', to: 'preferences', group: 'platform', permission: 'notifications.read' });
      // Billing's client page (plugins/billing/ui/src/slots.ts: clientPanels).
      host.fill('billing.client.panels', { id: 'mail-log', title: 'Mails', permission: 'mail-log.read', component: () => import('./MailLogPanel.vue') });
    } else {
      host.addPortalPage({ ...preferences, label: 'Notifications' });
    }
  },
});
