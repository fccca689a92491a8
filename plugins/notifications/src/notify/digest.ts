import type { Knex } from 'knex';
import type { PluginContext } from '@mpanel/sdk';
import type { Registry } from '../registry.ts';
import { sendTemplated } from '../mail/send-mail.ts';

const MAX_ITEMS = 50;

/**
 * One tenant's digest: each staff user who chose it gets one mail listing the unread notifications
 * not in an earlier digest; those are then marked digested. Keyed by user and day, so a rerun of
 * the same day's job mails nobody twice.
 */
export async function sendDigests(ctx: PluginContext, registry: Registry, db: Knex.Transaction, tenantId: string, day: string): Promise<number> {
  const users = (await db('notification_user_settings as s').join('users as u', 'u.id', 's.user_id')
    .where({ 's.digest': true, 'u.status': 'active' }).whereNull('u.client_id')
    .select('u.id', 'u.email', 'u.name', 's.language')) as Array<{ id: string; email: string; name: string | null; language: string | null }>;
  let sent = 0;
  for (const user of users) {
    const items = (await db('notifications').where({ user_id: user.id }).whereNull('read_at').whereNull('digested_at')
      .orderBy('created_at', 'desc').limit(MAX_ITEMS).select('id', 'title', 'body')) as Array<{ id: string; title: string; body: string | null }>;
    if (!items.length) continue;
    await sendTemplated(ctx, registry, {
      template: 'notifications.digest', tenantId, to: { email: user.email, ...(user.name ? { name: user.name } : {}) }, language: user.language, userId: user.id,
      data: { name: user.name ?? user.email, count: items.length, items: items.map((i) => ({ title: i.title, body: i.body ?? '' })) },
      idempotencyKey: `digest:${user.id}:${day}`,
    });
    await db('notifications').whereIn('id', items.map((i) => i.id)).update({ digested_at: db.fn.now() });
    sent++;
  }
  return sent;
}

/** Daily at 07:00 UTC, once per tenant where the plugin is enabled. */
export function scheduleDigests(ctx: PluginContext, registry: Registry): void {
  ctx.jobs.define<{ day?: string }>('notifications.digest', async (job) => {
    const day = job.data.day ?? new Date().toISOString().slice(0, 10);
    let sent = 0;
    await ctx.forEachTenant(async (tenant) => {
      sent += await tenant.transaction((trx) => sendDigests(ctx, registry, trx, tenant.id, day));
    });
    return { sent };
  }, { attempts: 3 });
  ctx.jobs.schedule('notifications.digest', '0 7 * * *', { tenantId: null });
}
