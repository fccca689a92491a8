/**
 * SSL's screens: the staff app's and the portal's certificates list (status, expiry, renewal,
 * last error in plain words, "Renew now", request a certificate) and a dashboard widget counting
 * certificates that need attention, and a panel on each website (`hosting.website.panels`). The API scopes clients to their own certificates.
 */
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { en } from './messages.ts';

const READ = 'certificates.read';
/** Hosting's slot, filled by name: the ssl plugin imports nothing of hosting's UI. */
const WEBSITE_PANELS = 'hosting.website.panels';

export default defineUiPlugin({
  id: 'ssl',
  setup(host) {
    host.addMessages('en', en);
    const view = () => import('./CertificatesView.vue');
    // The certificate of one website, on hosting's website pages (staff account page, portal website settings).
    host.fill(WEBSITE_PANELS, { id: 'ssl', title: 'SSL certificate', permission: READ, order: 10, component: () => import('./SslPanel.vue') });
    if (host.area === 'admin') {
      host.addRoute({ path: '/ssl/certificates', component: view, permission: READ });
      host.addMenuItem({ id: 'certificates', label: 'nav.certificates', to: '/ssl/certificates', group: 'hosting', order: 35, permission: READ });
      host.addWidget({ id: 'certificates-attention', title: '', size: 1, permission: READ, component: () => import('./CertificatesWidget.vue') });
    } else if (host.area === 'portal') {
      host.addRoute({ path: '/certificates', component: view, permission: READ });
      host.addMenuItem({ id: 'portalCertificates', label: 'nav.certificates', to: '/certificates', group: 'portal', order: 27, permission: READ });
    }
  },
});
