import { NotFoundError, ok, type RouteDefinition } from '@mpanel/sdk';
import type { SupportContext } from '../desk.ts';
import { deskRoute, idParams, objectBody, uuid } from './common.ts';
import { PLACEHOLDERS, renderCanned } from '../tickets/canned.ts';
import { actorOf, visibleTicket } from '../tickets/access.ts';
import { department } from '../tickets/service.ts';

interface CannedRow { id: string; title: string; body: string; department_id: string | null }
const json = (r: CannedRow) => ({ id: r.id, title: r.title, body: r.body, departmentId: r.department_id });
const fields = { title: { type: 'string', minLength: 1, maxLength: 200 }, body: { type: 'string', minLength: 1, maxLength: 20_000 }, departmentId: { ...uuid, type: ['string', 'null'] } };
interface CannedInput { title?: string; body?: string; departmentId?: string | null }

function columns(b: CannedInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (b.title !== undefined) out.title = b.title;
  if (b.body !== undefined) out.body = b.body;
  if (b.departmentId !== undefined) out.department_id = b.departmentId;
  return out;
}

export function cannedReplyRoutes(ctx: SupportContext): RouteDefinition[] {
  const found = async (rows: CannedRow[]) => {
    if (!rows[0]) throw new NotFoundError();
    return ok(json(rows[0]));
  };
  return [
    deskRoute(ctx, { method: 'GET', path: '/api/v1/canned-replies', permission: 'tickets.manage', summary: `Canned replies; placeholders: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}` }, async (desk) =>
      ok(((await desk.db('canned_replies').orderBy('title').select('*')) as CannedRow[]).map(json))),
    deskRoute<unknown, unknown, CannedInput>(ctx, { method: 'POST', path: '/api/v1/canned-replies', permission: 'canned-replies.write', successStatus: 201, schema: { body: objectBody(fields, ['title', 'body']) } }, async (desk, _p, req) => {
      if (req.body.departmentId) await department(desk, req.body.departmentId);
      return found(await desk.db.insert<CannedRow>('canned_replies', columns(req.body)));
    }),
    deskRoute<{ id: string }, unknown, CannedInput>(ctx, { method: 'PATCH', path: '/api/v1/canned-replies/:id', permission: 'canned-replies.write', schema: { params: idParams, body: { ...objectBody(fields), minProperties: 1 } } }, async (desk, _p, req) => {
      if (req.body.departmentId) await department(desk, req.body.departmentId);
      return found((await desk.db('canned_replies').where({ id: req.params.id }).update({ ...columns(req.body), updated_at: desk.now }).returning('*')) as CannedRow[]);
    }),
    deskRoute<{ id: string }>(ctx, { method: 'DELETE', path: '/api/v1/canned-replies/:id', permission: 'canned-replies.write', schema: { params: idParams } }, async (desk, _p, req) => {
      if (!(await desk.db('canned_replies').where({ id: req.params.id }).delete())) throw new NotFoundError();
    }),
    deskRoute<{ id: string; replyId: string }>(ctx, {
      method: 'GET', path: '/api/v1/tickets/:id/canned-replies/:replyId', permission: 'tickets.manage', summary: 'A canned reply filled in for this ticket',
      schema: { params: { type: 'object', required: ['id', 'replyId'], properties: { id: uuid, replyId: uuid } } },
    }, async (desk, p, req) => {
      const ticket = await visibleTicket(desk, p, req.params.id);
      const reply = (await desk.db('canned_replies').where({ id: req.params.replyId }).first()) as CannedRow | undefined;
      if (!reply) throw new NotFoundError();
      const client = ticket.client_id ? ((await desk.db('clients').where({ id: ticket.client_id }).first('first_name', 'last_name', 'email')) as { first_name: string; last_name: string; email: string } | undefined) : undefined;
      const staff = await actorOf(desk, p);
      const body = renderCanned(reply.body, {
        'client.name': client ? `${client.first_name} ${client.last_name}` : (ticket.contact_name ?? ticket.contact_email),
        'client.firstName': client?.first_name ?? ticket.contact_name ?? '',
        'client.email': client?.email ?? ticket.contact_email,
        'ticket.number': String(ticket.number),
        'ticket.subject': ticket.subject,
        'department.name': (await department(desk, ticket.department_id)).name,
        'staff.name': staff.name ?? staff.email ?? '',
      });
      return ok({ id: reply.id, title: reply.title, body });
    }),
  ];
}
