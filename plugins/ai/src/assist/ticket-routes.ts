import { ConflictError, HttpError, NotFoundError, ok, UnauthorizedError, type PluginContext, type RouteDefinition } from '@mpanel/sdk';
import { draftReply } from './draft.ts';
import { staffTicket } from './ticket-data.ts';
import { triageJson } from './triage.ts';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

type Row = Record<string, unknown>;

export function ticketRoutes(ctx: PluginContext): RouteDefinition[] {
  return [
    {
      method: 'POST', path: '/api/v1/tickets/:id/ai-draft', permission: 'ai.use',
      summary: 'A draft reply grounded in the knowledge base and the client records the caller may read; returned to the staff member, never sent',
      schema: { params: idParams },
      handler: async (req) => ok(await draftReply(ctx, req.db, req.tenant!.id, req.principal!, (req.params as { id: string }).id)),
    },
    {
      method: 'GET', path: '/api/v1/tickets/:id/ai-triage', permission: 'ai.use', summary: "The ticket's triage suggestion (data null when there is none)",
      schema: { params: idParams },
      handler: async (req) => {
        const ticket = await staffTicket(req.db, req.tenant!.id, req.principal!, (req.params as { id: string }).id);
        const row = (await req.db('ai_ticket_triage').where({ tenant_id: req.tenant!.id, ticket_id: ticket.id }).first()) as Row | undefined;
        return ok(row ? triageJson(row) : null);
      },
    },
    {
      method: 'POST', path: '/api/v1/tickets/:id/ai-triage/accept', permission: 'ai.use',
      summary: "Applies the suggested department and/or priority to the ticket (both unless one is set false) through support's own ticket route, as the caller",
      // The change goes through support's PATCH route, a request of its own: this one holds no transaction meanwhile.
      transaction: false,
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, properties: { department: { type: 'boolean' }, priority: { type: 'boolean' } } } },
      handler: async (req) => {
        const tenantId = req.tenant!.id;
        const id = (req.params as { id: string }).id;
        const authorization = req.header('authorization');
        if (!authorization) throw new UnauthorizedError();
        const row = await ctx.db.transaction(tenantId, async (trx) => {
          const ticket = await staffTicket(trx, tenantId, req.principal!, id);
          const found = (await trx('ai_ticket_triage').where({ tenant_id: tenantId, ticket_id: ticket.id }).first()) as Row | undefined;
          if (!found) throw new NotFoundError('This ticket has no triage suggestion');
          if (found.status !== 'suggested') throw new ConflictError(`The suggestion was already ${String(found.status)}`);
          return found;
        });
        const body = (req.body ?? {}) as { department?: boolean; priority?: boolean };
        const change: Row = {};
        if (body.department !== false && row.department_id) change.departmentId = row.department_id;
        if (body.priority !== false && row.priority) change.priority = row.priority;
        // Support's own route: its SLA targets are recomputed, its events and audit entry written, and its permission decides.
        if (Object.keys(change).length) {
          const res = await ctx.routes.call({ method: 'PATCH', path: `/api/v1/tickets/${id}`, body: change, authorization, actAsTenant: req.header('x-tenant-id') });
          if (res.status >= 300) {
            const answer = (res.body ?? {}) as { error?: string; details?: Record<string, string> };
            throw new HttpError(res.status, answer.error ?? 'The ticket could not be changed', answer.details);
          }
        }
        const [updated] = (await ctx.db.transaction(tenantId, (trx) => trx('ai_ticket_triage').where({ id: row.id, status: 'suggested' })
          .update({ status: 'accepted', decided_by: req.principal!.userId, decided_at: trx.fn.now(), updated_at: trx.fn.now() }).returning('*'))) as Row[];
        if (!updated) throw new ConflictError('The suggestion was decided meanwhile');
        return ok(triageJson(updated), 'Suggestion applied');
      },
    },
    {
      method: 'POST', path: '/api/v1/tickets/:id/ai-triage/dismiss', permission: 'ai.use', summary: 'Dismisses the triage suggestion (the ticket is unchanged)',
      schema: { params: idParams },
      handler: async (req) => {
        const tenantId = req.tenant!.id;
        const ticket = await staffTicket(req.db, tenantId, req.principal!, (req.params as { id: string }).id);
        const [updated] = (await req.db('ai_ticket_triage').where({ tenant_id: tenantId, ticket_id: ticket.id, status: 'suggested' })
          .update({ status: 'dismissed', decided_by: req.principal!.userId, decided_at: req.db.fn.now(), updated_at: req.db.fn.now() }).returning('*')) as Row[];
        if (!updated) throw new NotFoundError('This ticket has no open triage suggestion');
        return ok(triageJson(updated));
      },
    },
  ];
}
