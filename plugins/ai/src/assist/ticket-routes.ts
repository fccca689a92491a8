import { NotFoundError, ConflictError, ok, type PluginContext, type RouteDefinition } from '@mpanel/sdk';
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
      summary: "Applies the suggested department and/or priority to the ticket (both unless one is set false); needs support's tickets.manage",
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, properties: { department: { type: 'boolean' }, priority: { type: 'boolean' } } } },
      handler: async (req) => {
        const tenantId = req.tenant!.id;
        const ticket = await staffTicket(req.db, tenantId, req.principal!, (req.params as { id: string }).id);
        const body = (req.body ?? {}) as { department?: boolean; priority?: boolean };
        const row = (await req.db('ai_ticket_triage').where({ tenant_id: tenantId, ticket_id: ticket.id }).forUpdate().first()) as Row | undefined;
        if (!row) throw new NotFoundError('This ticket has no triage suggestion');
        if (row.status !== 'suggested') throw new ConflictError(`The suggestion was already ${String(row.status)}`);
        const change: Row = {};
        if (body.department !== false && row.department_id) change.department_id = row.department_id;
        if (body.priority !== false && row.priority) change.priority = row.priority;
        if (Object.keys(change).length) await req.db('tickets').where({ tenant_id: tenantId, id: ticket.id }).update({ ...change, updated_at: req.db.fn.now() });
        const [updated] = (await req.db('ai_ticket_triage').where({ id: row.id }).update({ status: 'accepted', decided_by: req.principal!.userId, decided_at: req.db.fn.now(), updated_at: req.db.fn.now() }).returning('*')) as Row[];
        return ok(triageJson(updated!), 'Suggestion applied');
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
