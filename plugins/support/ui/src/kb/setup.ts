import type { UiHost } from '@mpanel/sdk/ui';
import { setKbHost } from './host.ts';

/** The knowledge base's pages: the staff editor, and the portal's browse and search. */
export function setupKbUi(host: UiHost): void {
  setKbHost(host);
  if (host.area === 'public') {
    // Declared in the manifest's `ui.publicPages`: shown without a session, public articles only.
    host.addPublicPage({ path: '/kb', component: () => import('./KbPortalView.vue') });
    host.addPublicPage({ path: '/kb/:slug', component: () => import('./KbPortalView.vue') });
  } else if (host.area === 'admin') {
    host.addRoute({ path: 'kb', title: 'Knowledge base', permission: 'kb.write', component: () => import('./KbAdminView.vue') });
    host.addMenuItem({ id: 'kb', label: 'Knowledge base', to: 'kb', group: 'support', permission: 'kb.write' });
  } else {
    host.addPortalPage({ path: 'kb', label: 'Knowledge base', permission: 'kb.read', component: () => import('./KbPortalView.vue') });
  }
}
