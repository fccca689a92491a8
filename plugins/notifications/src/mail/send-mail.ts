import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { PluginContext, TemplatedMail } from '@mpanel/sdk';
import type { Registry } from '../registry.ts';
import { renderMail } from '../render/render.ts';
import { mailBranding } from './mail-brand.ts';

/** What the log keeps to resend a mail: the template and its input, not the rendered body. */
export interface LoggedRequest {
  to: TemplatedMail['to'];
  data: Record<string, unknown>;
  language: string | null;
  from?: TemplatedMail['from'];
  replyTo?: TemplatedMail['replyTo'];
  headers?: TemplatedMail['headers'];
}

/** Runs `fn` in the caller's transaction, or in a new one of the tenant (boot, scripts). */
export async function inTenant<R>(ctx: PluginContext, tenantId: string | undefined, fn: (db: Knex.Transaction, tenantId: string) => Promise<R>): Promise<R> {
  const scope = ctx.scope();
  const tenant = tenantId ?? scope?.tenantId;
  if (!tenant) throw new Error('notifications: no tenant (pass tenantId outside a request, job or event handler)');
  if (scope?.trx && scope.tenantId === tenant) return fn(scope.trx, tenant);
  return ctx.db.transaction(tenant, (trx) => fn(trx, tenant));
}

/**
 * Renders the tenant's version of the template for the recipient's language, writes the mail log
 * row and queues the mail in the same transaction (rolled back: neither exists). The same
 * idempotency key twice is one row and one mail: the first row's id is returned.
 */
export async function sendTemplated(ctx: PluginContext, registry: Registry, mail: TemplatedMail, resentFrom: string | null = null): Promise<string> {
  return inTenant(ctx, mail.tenantId, async (db, tenantId) => {
    const key = mail.idempotencyKey ?? `notifications:${randomUUID()}`;
    const existing = (await db('notification_mail_log').where({ idempotency_key: key }).first('id')) as { id: string } | undefined;
    if (existing) return existing.id;
    const brand = await mailBranding(ctx, tenantId);
    const rendered = await renderMail(db, registry, brand, mail.template, mail.language, mail.data);
    const request: LoggedRequest = { to: mail.to, data: mail.data, language: mail.language ?? null, ...(mail.from ? { from: mail.from } : {}), ...(mail.replyTo ? { replyTo: mail.replyTo } : {}), ...(mail.headers ? { headers: mail.headers } : {}) };
    const [row] = (await db('notification_mail_log').insert({
      tenant_id: tenantId, client_id: mail.clientId ?? null, user_id: mail.userId ?? null, resent_from: resentFrom,
      template_key: mail.template, language: rendered.language, to_email: mail.to.email, to_name: mail.to.name ?? null,
      subject: rendered.subject, idempotency_key: key, request: JSON.stringify(request),
    }).returning('id')) as Array<{ id: string }>;
    const ref = await ctx.mail.send({
      to: mail.to, subject: rendered.subject, text: rendered.text, html: rendered.html,
      ...(mail.from ? { from: mail.from } : {}), ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      ...(mail.attachments ? { attachments: mail.attachments } : {}),
      ...(mail.headers ? { headers: mail.headers } : {}),
      idempotencyKey: key,
    }, { tenantId });
    await db('notification_mail_log').where({ id: row!.id }).update({ mail_ref: ref });
    return row!.id;
  });
}

/** Core's `mail.sent` / `mail.failed` events move the log row on (matched by the idempotency key). */
export function followDelivery(ctx: PluginContext): void {
  ctx.events.subscribe<{ idempotencyKey: string | null; error?: string }>('mail.sent', async (event, ectx) => {
    if (!event.payload.idempotencyKey) return;
    await ectx.trx('notification_mail_log').where({ idempotency_key: event.payload.idempotencyKey }).update({ status: 'sent', sent_at: ectx.trx.fn.now(), error: null, updated_at: ectx.trx.fn.now() });
  });
  ctx.events.subscribe<{ idempotencyKey: string | null; error?: string }>('mail.failed', async (event, ectx) => {
    if (!event.payload.idempotencyKey) return;
    // A later success wins: a failed attempt never overwrites `sent`.
    await ectx.trx('notification_mail_log').where({ idempotency_key: event.payload.idempotencyKey }).whereNot({ status: 'sent' })
      .update({ status: 'failed', error: String(event.payload.error ?? '').slice(0, 1000), updated_at: ectx.trx.fn.now() });
  });
}
