import { notificationsRef, type PluginContext } from '@mpanel/sdk';
import type { Knex } from 'knex';
import { excerpt } from '../kb/markdown.ts';
import { ANNOUNCEMENT_TEMPLATE } from './templates.ts';

type Row = Record<string, unknown>;

/**
 * Mails the published, due announcements that ask for it to the tenant's active clients, through
 * the notifications plugin's template (the tenant's edit, the client's language, the mail log).
 * Keyed per announcement and client: a rerun after a crash half-way mails only who is missing.
 * Without the notifications plugin nothing is mailed (the portal still shows them).
 */
export async function mailDueAnnouncements(ctx: PluginContext, db: Knex.Transaction, tenantId: string, now: Date): Promise<number> {
  const notifications = ctx.services.tryResolve(notificationsRef);
  if (!notifications) return 0;
  const due = (await db('announcements').where({ status: 'published', mail_clients: true }).whereNull('mailed_at')
    .where('publish_at', '<=', now).whereIn('visibility', ['public', 'clients']).select('id', 'title', 'body_md')) as Row[];
  if (!due.length) return 0;
  const clients = (await db('clients').where({ status: 'active' }).select('id', 'email', 'first_name', 'last_name', 'language')) as Row[];
  const base = (await ctx.tenantUrl(tenantId)) ?? ''; // the tenant's verified domain, else the platform's
  let sent = 0;
  for (const a of due) {
    for (const c of clients) {
      const name = `${String(c.first_name)} ${String(c.last_name)}`;
      await notifications.sendMail({
        template: ANNOUNCEMENT_TEMPLATE.key, tenantId, to: { email: String(c.email), name }, language: (c.language as string | null) ?? null, clientId: String(c.id),
        data: { name, title: a.title, summary: excerpt(String(a.body_md), 400), url: `${base}/client/announcements/${String(a.id)}` },
        idempotencyKey: `announcement:${String(a.id)}:${String(c.id)}`,
      });
      sent++;
    }
    await db('announcements').where({ id: a.id }).update({ mailed_at: now, updated_at: db.fn.now() });
  }
  return sent;
}

/** Registers the template and the job that mails what became due: every five minutes for every tenant, or for one tenant on demand. */
export function scheduleAnnouncementMail(ctx: PluginContext): void {
  ctx.services.tryResolve(notificationsRef)?.registerTemplate(ANNOUNCEMENT_TEMPLATE);
  ctx.jobs.define<{ now?: string }>('announcements.mail', async (job) => {
    const now = job.data.now ? new Date(job.data.now) : new Date();
    if (job.tenantId) return { sent: await job.transaction((trx) => mailDueAnnouncements(ctx, trx, job.tenantId!, now)) };
    let sent = 0;
    await ctx.forEachTenant(async (tenant) => {
      sent += await tenant.transaction((trx) => mailDueAnnouncements(ctx, trx, tenant.id, now));
    });
    return { sent };
  }, { attempts: 3 });
  ctx.jobs.schedule('announcements.mail', '*/5 * * * *', { tenantId: null });
}
