import { ConflictError, ValidationError, ok, type RouteDefinition } from '@mpanel/sdk';
import type { SupportContext } from '../desk.ts';
import { deskRoute, idParams, objectBody, uuid } from './common.ts';
import { decodeFiles, filesSchema, type FileInput } from './files.ts';
import { actorOf, isStaff, visibleTicket } from '../tickets/access.ts';
import { addMessage, closeTicket, ticketById } from '../tickets/service.ts';
import { mergeTickets, splitTicket } from '../tickets/merge.ts';
import { touchPresence } from '../tickets/presence.ts';
import { messageJson, ticketJson } from '../tickets/serialize.ts';
import type { MessageRow } from '../tickets/model.ts';

interface ReplyBody { body: string; internal?: boolean; attachments?: FileInput[]; lastSeenMessageId?: string; force?: boolean }

export function ticketActionRoutes(ctx: SupportContext): RouteDefinition[] {
  return [
    deskRoute<{ id: string }, unknown, ReplyBody>(ctx, {
      method: 'POST', path: '/api/v1/tickets/:id/messages', permission: 'tickets.write', successStatus: 201,
      summary: 'Answer a ticket (staff: `internal` for a note). With `lastSeenMessageId`, a 409 when another staff member answered meanwhile, unless `force`',
      schema: {
        params: idParams,
        body: objectBody({
          body: { type: 'string', maxLength: 50_000 }, internal: { type: 'boolean' }, attachments: filesSchema, lastSeenMessageId: uuid, force: { type: 'boolean' },
        }, ['body']),
      },
    }, async (desk, p, req) => {
      const ticket = await visibleTicket(desk, p, req.params.id);
      const staff = isStaff(p);
      if (req.body.internal && !staff) throw new ValidationError({ internal: 'only staff write internal notes' });
      if (ticket.merged_into_id) throw new ConflictError('This ticket was merged into another one');
      if (staff && !req.body.internal && req.body.lastSeenMessageId && !req.body.force) {
        // The collision check: a staff answer written after the message the author last saw.
        const seen = (await desk.db('ticket_messages').where({ id: req.body.lastSeenMessageId, ticket_id: ticket.id }).first('created_at')) as { created_at: Date } | undefined;
        const newer = (await desk.db('ticket_messages').where({ ticket_id: ticket.id, author_kind: 'staff', internal: false })
          .where('created_at', '>', seen?.created_at ?? new Date(0)).whereNot({ id: req.body.lastSeenMessageId }).first('id', 'author_name', 'author_email')) as Pick<MessageRow, 'id' | 'author_name' | 'author_email'> | undefined;
        if (newer) throw new ConflictError('Another staff member answered this ticket meanwhile', { messageId: newer.id, author: newer.author_name ?? newer.author_email ?? '' });
      }
      const { message, attachments } = await addMessage(desk, ticket, await actorOf(desk, p), { body: req.body.body, internal: req.body.internal, files: decodeFiles(req.body.attachments) });
      return ok(messageJson(message, attachments));
    }),
    deskRoute<{ id: string }>(ctx, { method: 'POST', path: '/api/v1/tickets/:id/close', permission: 'tickets.write', schema: { params: idParams } }, async (desk, p, req) => {
      const ticket = await visibleTicket(desk, p, req.params.id);
      return ok(ticketJson(await closeTicket(desk, ticket, await actorOf(desk, p)), desk.now, desk.settings.slaWarnPercent, isStaff(p)));
    }),
    deskRoute<{ id: string }, unknown, { rating: number; comment?: string }>(ctx, {
      method: 'POST', path: '/api/v1/tickets/:id/rating', permission: 'tickets.write', summary: 'The client rates a closed ticket (1-5)',
      schema: { params: idParams, body: objectBody({ rating: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string', maxLength: 2000 } }, ['rating']) },
    }, async (desk, p, req) => {
      const ticket = await visibleTicket(desk, p, req.params.id);
      if (isStaff(p) || !ticket.client_id) throw new ValidationError({ rating: 'only the client rates a ticket' });
      if (ticket.status !== 'closed') throw new ConflictError('Only a closed ticket is rated');
      await desk.db('tickets').where({ id: ticket.id }).update({ rating: req.body.rating, rating_comment: req.body.comment ?? null, updated_at: desk.now });
      await desk.ctx.events.emit('ticket.rated', { ticketId: ticket.id, rating: req.body.rating });
      return ok(ticketJson(await ticketById(desk, ticket.id), desk.now, desk.settings.slaWarnPercent, false));
    }),
    deskRoute<{ id: string }, unknown, { intoTicketId: string }>(ctx, {
      method: 'POST', path: '/api/v1/tickets/:id/merge', permission: 'tickets.manage', summary: 'Merge this ticket into another (every message moves)',
      schema: { params: idParams, body: objectBody({ intoTicketId: uuid }, ['intoTicketId']) },
    }, async (desk, p, req) => {
      const source = await visibleTicket(desk, p, req.params.id);
      const target = await visibleTicket(desk, p, req.body.intoTicketId);
      return ok(ticketJson(await mergeTickets(desk, source, target), desk.now, desk.settings.slaWarnPercent, true));
    }),
    deskRoute<{ id: string }, unknown, { messageIds: string[]; subject: string }>(ctx, {
      method: 'POST', path: '/api/v1/tickets/:id/split', permission: 'tickets.manage', successStatus: 201, summary: 'Move messages to a new ticket',
      schema: { params: idParams, body: objectBody({ messageIds: { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: uuid }, subject: { type: 'string', minLength: 1, maxLength: 200 } }, ['messageIds', 'subject']) },
    }, async (desk, p, req) => {
      const source = await visibleTicket(desk, p, req.params.id);
      return ok(ticketJson(await splitTicket(desk, source, req.body.messageIds, req.body.subject), desk.now, desk.settings.slaWarnPercent, true));
    }),
    deskRoute<{ id: string }, unknown, { state: 'viewing' | 'replying' | 'left' }>(ctx, {
      method: 'POST', path: '/api/v1/tickets/:id/presence', permission: 'tickets.manage', summary: 'Staff presence on a ticket: who else is viewing or replying (the collision warning)',
      schema: { params: idParams, body: objectBody({ state: { enum: ['viewing', 'replying', 'left'] } }, ['state']) },
    }, async (desk, p, req) => {
      const ticket = await visibleTicket(desk, p, req.params.id);
      const actor = await actorOf(desk, p);
      const others = touchPresence(desk.db.tenantId, ticket.id, { userId: p.userId ?? p.id, name: actor.name ?? actor.email, state: req.body.state, at: Date.now() });
      desk.ctx.realtime.toPermission(desk.db.tenantId, 'tickets.manage').emit('support:presence', { ticketId: ticket.id, userId: p.userId ?? p.id, name: actor.name ?? actor.email, state: req.body.state });
      return ok(others.map((o) => ({ userId: o.userId, name: o.name, state: o.state, since: new Date(o.at).toISOString() })));
    }),
  ];
}

