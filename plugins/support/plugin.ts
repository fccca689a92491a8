import { definePlugin } from '@mpanel/sdk';
import { manifest } from './src/manifest.ts';
import { registerTickets } from './src/tickets/register.ts';
import { registerKb } from './src/kb/register.ts';
import { registerAnnouncements } from './src/announcements/register.ts';

/**
 * Support: one import and one call per area (tickets with their mail and attachments; the
 * knowledge base and announcements), so each area is wired in one line.
 */
export default definePlugin({
  manifest,
  register(ctx) {
    registerTickets(ctx);
    registerKb(ctx);
    registerAnnouncements(ctx);
  },
});
