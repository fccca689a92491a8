import { ConflictError, NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Desk } from '../desk.ts';
import type { TicketRow } from './model.ts';
import { nextTicketNumber } from './numbering.ts';
import { notifyStaff } from './realtime.ts';

/**
 * Merges `source` into `target`: every message (internal notes and mails too) and attachment moves
 * to the target, remembering where it came from; tags are united; the source is closed and points
 * at the target. Nothing is deleted.
 */
export async function mergeTickets(desk: Desk, source: TicketRow, target: TicketRow): Promise<TicketRow> {
  if (source.id === target.id) throw new ValidationError({ intoTicketId: 'is this ticket' });
  if (source.merged_into_id || target.merged_into_id) throw new ConflictError('A merged ticket cannot be merged again');
  if (source.client_id !== target.client_id) throw new ValidationError({ intoTicketId: 'belongs to another client' });
  await desk.db('ticket_messages').where({ ticket_id: source.id }).update({ ticket_id: target.id, original_ticket_id: desk.db.trx.raw('coalesce(original_ticket_id, ?)', [source.id]) });
  await desk.db('ticket_attachments').where({ ticket_id: source.id }).update({ ticket_id: target.id });
  await desk.db.insert('ticket_messages', { ticket_id: target.id, author_kind: 'system', body: `Ticket #${source.number} (${source.subject}) was merged into this ticket.`, internal: true, created_at: desk.now, updated_at: desk.now });
  await desk.db('tickets').where({ id: source.id }).update({ status: 'closed', closed_at: desk.now, merged_into_id: target.id, updated_at: desk.now });
  const [updated] = (await desk.db('tickets').where({ id: target.id }).update({
    tags: [...new Set([...target.tags, ...source.tags])], updated_at: desk.now,
    // The earlier mail thread keeps threading: replies to it find the target through the moved messages.
    mail_message_id: target.mail_message_id ?? source.mail_message_id,
  }).returning('*')) as TicketRow[];
  await desk.ctx.events.emit('ticket.merged', { ticketId: target.id, mergedTicketId: source.id });
  notifyStaff(desk, 'merged', updated!);
  return updated!;
}

/** Moves the chosen messages (with their attachments) of `source` to a new ticket of the same client and department. */
export async function splitTicket(desk: Desk, source: TicketRow, messageIds: string[], subject: string): Promise<TicketRow> {
  const found = (await desk.db('ticket_messages').where({ ticket_id: source.id }).whereIn('id', messageIds).pluck('id')) as string[];
  if (found.length !== messageIds.length) throw new NotFoundError('Some messages are not on this ticket');
  const remaining = Number(((await desk.db('ticket_messages').where({ ticket_id: source.id }).whereNotIn('id', messageIds).count({ n: '*' }).first()) as { n: string }).n);
  if (remaining === 0) throw new ValidationError({ messageIds: 'would leave the ticket empty' });
  const [ticket] = await desk.db.insert<TicketRow>('tickets', {
    number: await nextTicketNumber(desk.db), department_id: source.department_id, client_id: source.client_id, contact_email: source.contact_email,
    contact_name: source.contact_name, subject, status: 'open', priority: source.priority, assignee_user_id: source.assignee_user_id, tags: source.tags,
    first_response_due_at: source.first_response_due_at, resolution_due_at: source.resolution_due_at, created_at: desk.now, updated_at: desk.now,
  });
  await desk.db('ticket_messages').whereIn('id', messageIds).update({ ticket_id: ticket!.id, original_ticket_id: desk.db.trx.raw('coalesce(original_ticket_id, ?)', [source.id]) });
  await desk.db('ticket_attachments').whereIn('message_id', messageIds).update({ ticket_id: ticket!.id });
  await desk.db.insert('ticket_messages', { ticket_id: source.id, author_kind: 'system', body: `${messageIds.length} message(s) were split off into ticket #${ticket!.number}.`, internal: true, created_at: desk.now, updated_at: desk.now });
  notifyStaff(desk, 'created', ticket!);
  return ticket!;
}
