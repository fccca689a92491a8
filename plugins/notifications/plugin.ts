import { definePlugin, notificationsRef } from '@mpanel/sdk';
import { manifest } from './src/manifest.ts';
import { createNotificationsService } from './src/service.ts';
import { templateRoutes } from './src/routes/templates.ts';
import { notificationRoutes } from './src/routes/notifications.ts';
import { mailLogRoutes } from './src/routes/mail-log.ts';
import { followDelivery } from './src/mail/send-mail.ts';
import { scheduleDigests } from './src/notify/digest.ts';

/**
 * Notifications: one service every plugin may send through (`notificationsRef`): tenant-edited,
 * branded, per-language mail templates with a mail log, and in-app notifications with per-user
 * preferences and staff digests.
 */
export default definePlugin({
  manifest,
  register(ctx) {
    const { service, registry } = createNotificationsService(ctx);
    ctx.services.provide(notificationsRef, service);
    for (const routes of [templateRoutes, notificationRoutes, mailLogRoutes]) for (const r of routes(ctx, registry)) ctx.routes.add(r);
    followDelivery(ctx);
    scheduleDigests(ctx, registry);
  },
});
