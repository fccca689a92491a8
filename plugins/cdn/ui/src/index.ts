// The CDN's browser side: a panel on hosting's website (slot `hosting.website.panels`, offered by the
// hosting plugin on the staff account page and the portal's website settings) with the status,
// enable / disable, purge and cache settings. Built by `mpanel plugin:build cdn` into ui/dist/index.js.
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { CDN_PERMISSIONS } from './model.ts';

/** Hosting's slot, filled by name: the cdn plugin imports nothing of hosting's UI. */
const WEBSITE_PANELS = 'hosting.website.panels';

export default defineUiPlugin({
  id: 'cdn',
  setup(host) {
    host.fill(WEBSITE_PANELS, { id: 'cdn', title: 'CDN', permission: CDN_PERMISSIONS.read, order: 20, component: () => import('./CdnPanel.vue') });
  },
});
