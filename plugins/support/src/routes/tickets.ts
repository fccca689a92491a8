import { ValidationError, isClientScoped, list, ok, paginationQuery, type RouteDefinition } from '@mpanel/sdk';
import type { SupportContext } from '../desk.ts';
import { deskRoute, idParams, objectBody, uuid } from './common.ts';
import { decodeFiles, filesSchema, type FileInput } from './files.ts';
import { actorOf, isStaff, visibleTicket } from '../tickets/access.ts';
import { PRIORITIES, STATUSES, type MessageRow, type TicketPriority, type TicketRow } from '../tickets/model.ts';
import { department, openTicket } from '../tickets/service.ts';
import { messageJson, ticketJson } from '../tickets/serialize.ts';
import { attachmentsOf } from '../attachments/attachments.ts';
import { updateTicket, type TicketChanges } from '../tickets/update.ts';
import { applyQueueFilters, type QueueFilters } from '../tickets/queue.ts';

const tag = { type: 'string', minLength: 1, maxLength: 40, pattern: '^[^,\\s][^,]*$' };
const links = { serviceId: { ...uuid, type: ['string', 'null'] }, invoiceId: { ...uuid, type: ['string', 'null'] }, domain: { type: ['string', 'null'], maxLength: 253 } };

interface CreateBody {
  departmentId: string; subject: string; body: string; priority?: TicketPriority; clientId?: string | null;
  contactEmail?: string; contactName?: string; serviceId?: string | null; invoiceId?: string | null; domain?: string | null; tags?: string[]; attachments?: FileInput[];
}

export function ticketRoutes(ctx: SupportContext): RouteDefinition[] {
  return [
    deskRoute<unknown, QueueFilters & { page: number; perPage: number }>(ctx, {
      method: 'GET', path: '/api/v1/tickets', permission: 'tickets.read', summary: 'The ticket queue (staff: filters by department, status, assignee, SLA; clients: their own)',
      schema: {
        query: {
          type: 'object', additionalProperties: false,
          properties: {
            ...paginationQuery, departmentId: uuid, status: { type: 'string', pattern: `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$` },
            assignee: { type: 'string', pattern: '^(me|none|[0-9a-f-]{36})$' }, sla: { enum: ['ok', 'warning', 'breached'] },
            priority: { enum: PRIORITIES }, tag, clientId: uuid, search: { type: 'string', maxLength: 100 },
            // The UI kit's list sends its sort; the queue keeps its own order (latest activity first).
            sort: { type: 'string', maxLength: 40 },
          },
        },
      },
    }, async (desk, p, req) => {
      const staff = isStaff(p);
      const q = desk.db('tickets').whereNull('merged_into_id');
      if (!staff) q.where({ client_id: isClientScoped(p) && p.clientId ? p.clientId : null }).whereNotNull('client_id');
      applyQueueFilters(q, req.query, { staff, userId: p.userId, now: desk.now, warnPercent: desk.settings.slaWarnPercent });
      const total = Number(((await q.clone().count({ n: '*' }).first()) as { n: string }).n);
      const rows = (await q.orderBy([{ column: 'updated_at', order: 'desc' }, { column: 'id' }]).limit(req.query.perPage).offset((req.query.page - 1) * req.query.perPage).select('*')) as TicketRow[];
      return list(rows.map((t) => ticketJson(t, desk.now, desk.settings.slaWarnPercent, staff)), { total, page: req.query.page, perPage: req.query.perPage });
    }),
    deskRoute<{ id: string }>(ctx, { method: 'GET', path: '/api/v1/tickets/:id', permission: 'tickets.read', schema: { params: idParams } }, async (desk, p, req) => {
      const ticket = await visibleTicket(desk, p, req.params.id);
      const staff = isStaff(p);
      const q = desk.db('ticket_messages').where({ ticket_id: ticket.id }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
      if (!staff) q.where({ internal: false });
      const messages = (await q.select('*')) as MessageRow[];
      const attachments = (await attachmentsOf(desk.db, ticket.id)).filter((a) => messages.some((m) => m.id === a.message_id));
      return ok({ ...ticketJson(ticket, desk.now, desk.settings.slaWarnPercent, staff), department: (await department(desk, ticket.department_id)).name, messages: messages.map((m) => messageJson(m, attachments)) });
    }),
    deskRoute<unknown, unknown, CreateBody>(ctx, {
      method: 'POST', path: '/api/v1/tickets', permission: 'tickets.write', successStatus: 201, summary: 'Open a ticket (a client for itself; staff for a client or a guest address)',
      schema: {
        body: objectBody({
          departmentId: uuid, subject: { type: 'string', minLength: 1, maxLength: 200 }, body: { type: 'string', minLength: 1, maxLength: 50_000 },
          priority: { enum: PRIORITIES }, clientId: { ...uuid, type: ['string', 'null'] }, contactEmail: { type: 'string', format: 'email', maxLength: 254 },
          contactName: { type: 'string', maxLength: 200 }, ...links, tags: { type: 'array', maxItems: 20, uniqueItems: true, items: tag }, attachments: filesSchema,
        }, ['departmentId', 'subject', 'body']),
      },
    }, async (desk, p, req) => {
      const b = req.body;
      const actor = await actorOf(desk, p);
      const staff = isStaff(p);
      const dept = await department(desk, b.departmentId);
      let clientId: string | null;
      let contactEmail: string;
      let contactName: string | null = b.contactName ?? actor.name ?? null;
      if (!staff) {
        // A client opens tickets for its own account, in departments shown to clients.
        if (!isClientScoped(p) || !p.clientId || !dept.client_visible) throw new ValidationError({ departmentId: 'no such department' });
        clientId = p.clientId;
        contactEmail = actor.email ?? '';
      } else {
        clientId = b.clientId ?? null;
        const client = clientId ? ((await desk.db('clients').where({ id: clientId }).first('email', 'first_name', 'last_name')) as { email: string; first_name: string; last_name: string | null } | undefined) : null;
        if (clientId && !client) throw new ValidationError({ clientId: 'no such client' });
        contactEmail = b.contactEmail ?? client?.email ?? '';
        // Staff open it for someone else: mails greet the client, not the staff member.
        contactName = b.contactName ?? (client ? [client.first_name, client.last_name].filter(Boolean).join(' ') : null);
        if (!contactEmail) throw new ValidationError({ contactEmail: 'is required for a ticket without a client' });
      }
      const { ticket } = await openTicket(desk, actor, {
        departmentId: dept.id, subject: b.subject, body: b.body, priority: staff ? b.priority : (b.priority === 'urgent' ? 'high' : b.priority),
        clientId, contactEmail, contactName, serviceId: b.serviceId, invoiceId: b.invoiceId, domain: b.domain,
        tags: staff ? b.tags : [], files: decodeFiles(b.attachments),
      });
      return ok(ticketJson(ticket, desk.now, desk.settings.slaWarnPercent, staff));
    }),
    deskRoute<{ id: string }, unknown, TicketChanges>(ctx, {
      method: 'PATCH', path: '/api/v1/tickets/:id', permission: 'tickets.manage', summary: 'Status, priority, assignee, department, tags and links',
      schema: {
        params: idParams,
        body: {
          ...objectBody({
            status: { enum: STATUSES }, priority: { enum: PRIORITIES }, assigneeUserId: { ...uuid, type: ['string', 'null'] }, departmentId: uuid,
            subject: { type: 'string', minLength: 1, maxLength: 200 }, tags: { type: 'array', maxItems: 20, uniqueItems: true, items: tag }, ...links,
          }),
          minProperties: 1,
        },
      },
    }, async (desk, p, req) => {
      const ticket = await visibleTicket(desk, p, req.params.id);
      const updated = await updateTicket(desk, ticket, await actorOf(desk, p), req.body);
      return ok(ticketJson(updated, desk.now, desk.settings.slaWarnPercent, true));
    }),
  ];
}

