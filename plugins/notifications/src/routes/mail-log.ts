import { NotFoundError, assertClientOwns, isClientScoped, list, ok, paginationQuery, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import type { Registry } from '../registry.ts';
import { sendTemplated, type LoggedRequest } from '../mail/send-mail.ts';

type Ctx = RouteContext<{ id: string }, Record<string, unknown>, Record<string, unknown>>;
const COLUMNS = ['id', 'client_id as clientId', 'template_key as template', 'language', 'to_email as toEmail', 'subject', 'status', 'error', 'resent_from as resentFrom', 'sent_at as sentAt', 'created_at as createdAt'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

/** A resend stays in the thread (In-Reply-To, References) but is a new message: its own Message-ID. */
function resendHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'message-id'));
}

/** `/api/v1/mail-log`: what was mailed (per client), its delivery status, and resend. */
export function mailLogRoutes(ctx: PluginContext, registry: Registry): RouteDefinition[] {
  const tags = ['notifications'];
  return [
    {
      method: 'GET', path: '/api/v1/mail-log', permission: 'mail-log.read', tags, summary: 'Mails sent, newest first (a client user sees its own account\'s)',
      schema: { query: { type: 'object', additionalProperties: false, properties: { ...paginationQuery, clientId: { type: 'string', format: 'uuid' }, status: { enum: ['queued', 'sent', 'failed'] } } } },
      handler: async (c: Ctx) => {
        const q = c.query as { page: number; perPage: number; clientId?: string; status?: string };
        const clientId = isClientScoped(c.principal ?? undefined) ? c.principal!.clientId : q.clientId;
        const base = c.db('notification_mail_log');
        if (clientId) void base.where({ client_id: clientId });
        if (q.status) void base.where({ status: q.status });
        const [count] = (await base.clone().count({ n: '*' })) as Array<{ n: string }>;
        const rows = await base.select(COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.perPage).offset((q.page - 1) * q.perPage);
        return list(rows, { total: Number(count!.n), page: q.page, perPage: q.perPage });
      },
    },
    {
      method: 'POST', path: '/api/v1/mail-log/:id/resend', permission: 'mail-log.resend', tags, schema: { params: idParams }, summary: 'Send a logged mail again (rendered from the current template)',
      handler: async (c: Ctx) => {
        const row = (await c.db('notification_mail_log').where({ id: c.params.id }).first()) as Record<string, unknown> | undefined;
        if (!row) throw new NotFoundError('Mail not found');
        assertClientOwns(c.principal ?? undefined, row.client_id as string | null);
        if (!registry.templates.has(row.template_key as string)) throw new NotFoundError('The template of this mail is no longer registered');
        const req = row.request as LoggedRequest;
        const id = await sendTemplated(ctx, registry, {
          template: row.template_key as string, to: req.to, data: req.data, language: req.language,
          clientId: row.client_id as string | null, userId: row.user_id as string | null,
          ...(req.from ? { from: req.from } : {}), ...(req.replyTo ? { replyTo: req.replyTo } : {}),
          ...(req.headers ? { headers: resendHeaders(req.headers) } : {}),
        }, row.id as string);
        c.response.status = 202;
        return ok({ id, resentFrom: row.id });
      },
    },
  ];
}
