import type { NotificationInput, PluginContext } from '@mpanel/sdk';
import type { Registry } from '../registry.ts';
import { inTenant, sendTemplated } from '../mail/send-mail.ts';
import { channelsFor, unreadCount } from './preferences.ts';
import { recipients } from './recipients.ts';

/** The realtime event the bell listens to. */
export const UNREAD_EVENT = 'notifications:unread';

/**
 * One notification to each recipient, through the channels each chose: a row for the bell (and
 * its new unread count pushed to the user's sockets), and a mail through the type's template.
 * With an idempotency key a redelivered event writes no second row and queues no second mail.
 */
export async function notify(ctx: PluginContext, registry: Registry, input: NotificationInput): Promise<number> {
  return inTenant(ctx, input.tenantId, async (db, tenantId) => {
    const users = await recipients(db, input.userIds, input.permission);
    if (!users.length) return 0;
    const channels = await channelsFor(db, registry, input.type, users.map((u) => u.id));
    const template = registry.types.get(input.type)?.mailTemplate ?? 'notifications.notice';
    let written = 0;
    for (const user of users) {
      const ch = channels.get(user.id)!;
      if (ch.inApp) {
        const inserted = (await db('notifications').insert({
          tenant_id: tenantId, user_id: user.id, type: input.type, title: input.title.slice(0, 300), body: input.body ?? null, link: input.link ?? null,
          data: JSON.stringify(input.data ?? {}), dedupe_key: input.idempotencyKey ?? null,
        }).onConflict(['tenant_id', 'user_id', 'dedupe_key']).ignore().returning('id')) as unknown[];
        if (inserted.length) {
          written++;
          ctx.realtime.toUser(user.id).emit(UNREAD_EVENT, { count: await unreadCount(db, user.id) });
        }
      }
      if (ch.mail) {
        await sendTemplated(ctx, registry, {
          template, tenantId, to: { email: user.email, ...(user.name ? { name: user.name } : {}) }, language: user.language,
          data: { ...input.data, title: input.title, body: input.body ?? '', link: input.link ?? '' },
          userId: user.id, clientId: user.clientId,
          ...(input.idempotencyKey ? { idempotencyKey: `notify:${input.idempotencyKey}:${user.id}` } : {}),
        });
      }
    }
    return written;
  });
}
