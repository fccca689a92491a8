/**
 * Support's screens: one import and one call per area (tickets; the knowledge base and
 * announcements add theirs the same way). Everything goes through the host, so a tenant with
 * support disabled has none of it.
 */
import { defineUiPlugin } from '@mpanel/sdk/ui';
import { setupTicketsUi } from './tickets/setup.ts';
import { setupKbUi } from './kb/setup.ts';
import { setupAnnouncementsUi } from './announcements/setup.ts';

export default defineUiPlugin({
  id: 'support',
  setup(host) {
    setupTicketsUi(host);
    setupKbUi(host);
    setupAnnouncementsUi(host);
  },
});
