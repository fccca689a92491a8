import type { UiHost } from '@mpanel/sdk/ui';
import { setKbHost } from '../kb/host.ts';

/** Announcements: the staff list and editor, and the portal's page of published ones. */
export function setupAnnouncementsUi(host: UiHost): void {
  setKbHost(host);
  if (host.area === 'public') {
    host.addPublicPage({ path: '/announcements', component: () => import('./AnnouncementsPortalView.vue') });
  } else if (host.area === 'admin') {
    host.addRoute({ path: 'announcements', title: 'Announcements', permission: 'announcements.write', component: () => import('./AnnouncementsAdminView.vue') });
    host.addMenuItem({ id: 'announcements', label: 'Announcements', to: 'announcements', group: 'support', permission: 'announcements.write' });
  } else {
    host.addPortalPage({ path: 'announcements', label: 'Announcements', permission: 'announcements.read', component: () => import('./AnnouncementsPortalView.vue') });
  }
}
