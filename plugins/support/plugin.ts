import { definePlugin } from '@mpanel/sdk';
import { manifest } from './src/manifest.ts';
import { registerTickets } from './src/tickets/register.ts';
import { startMail, stopMail } from './src/mail/register.ts';
import { registerKb } from './src/kb/register.ts';
import { registerAnnouncements } from './src/announcements/register.ts';
import { registerTicketTemplates } from './src/mail/templates.ts';

/**
 * Support: one import and one call per area (tickets with their mail and attachments; the
 * knowledge base and announcements), so each area is wired in one line. Incoming mail (SMTP
 * receiver, IMAP polling) runs as background services between boot and shutdown.
 */
export default definePlugin({
  manifest,
  register(ctx) {
    registerTickets(ctx);
    registerTicketTemplates(ctx);
    registerKb(ctx);
    registerAnnouncements(ctx);
  },
  async boot(ctx) {
    await startMail(ctx);
  },
  async shutdown(ctx) {
    await stopMail(ctx);
  },
});
