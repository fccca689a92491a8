import type { PluginContext } from '@mpanel/sdk';
import { announcementRoutes } from './routes.ts';
import { scheduleAnnouncementMail } from './mail.ts';

/** Announcements: routes (signed in and public) and their optional mailing. */
export function registerAnnouncements(ctx: PluginContext): void {
  for (const r of announcementRoutes(ctx)) ctx.routes.add(r);
  scheduleAnnouncementMail(ctx);
}
