import { NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Desk } from '../desk.ts';
import type { Actor, AttachmentRow, DepartmentRow, MessageRow, TicketPriority, TicketRow, TicketStatus } from './model.ts';
import { nextTicketNumber } from './numbering.ts';
import { nextAssignee } from './assignment.ts';
import { slaDeadlines } from './sla.ts';
import { saveAttachments } from '../attachments/attachments.ts';
import type { IncomingFile } from '../attachments/policy.ts';
import { mailStaffReply, mailTicketOpened } from '../mail/outgoing.ts';
import { notifyStaff } from './realtime.ts';

export interface OpenTicketInput {
  departmentId: string;
  subject: string;
  body: string;
  priority?: TicketPriority;
  clientId: string | null;
  contactEmail: string;
  contactName?: string | null;
  serviceId?: string | null;
  invoiceId?: string | null;
  domain?: string | null;
  tags?: string[];
  files?: IncomingFile[];
  via?: 'web' | 'mail';
  mailMessageId?: string | null;
  /** An auto-generated mail (auto-reply, list): no receipt goes back. */
  quiet?: boolean;
}

export interface MessageInput {
  body: string;
  internal?: boolean;
  files?: IncomingFile[];
  via?: 'web' | 'mail';
  mailMessageId?: string | null;
  /** Keep the status as it is (an auto-reply landing on a ticket). */
  quiet?: boolean;
}

export async function department(desk: Desk, id: string): Promise<DepartmentRow> {
  const row = (await desk.db('ticket_departments').where({ id }).first()) as DepartmentRow | undefined;
  if (!row) throw new ValidationError({ departmentId: 'no such department' });
  return row;
}

/** A linked service or invoice must be the ticket's client's (staff may link any of the tenant's for a guest). */
async function checkLinks(desk: Desk, clientId: string | null, links: { serviceId?: string | null; invoiceId?: string | null }): Promise<void> {
  for (const [field, table, id] of [['serviceId', 'services', links.serviceId], ['invoiceId', 'invoices', links.invoiceId]] as const) {
    if (!id) continue;
    const row = (await desk.db(table).where({ id }).first('client_id')) as { client_id: string } | undefined;
    if (!row || (clientId && row.client_id !== clientId)) throw new ValidationError({ [field]: 'no such record of this client' });
  }
}

export async function openTicket(desk: Desk, actor: Actor, input: OpenTicketInput): Promise<{ ticket: TicketRow; message: MessageRow; attachments: AttachmentRow[] }> {
  const dept = await department(desk, input.departmentId);
  await checkLinks(desk, input.clientId, input);
  const priority = input.priority ?? 'medium';
  const due = slaDeadlines(desk.now, priority, desk.settings.slaTargets);
  const [ticket] = await desk.db.insert<TicketRow>('tickets', {
    number: await nextTicketNumber(desk.db),
    department_id: dept.id,
    client_id: input.clientId,
    contact_email: input.contactEmail.toLowerCase(),
    contact_name: input.contactName ?? null,
    subject: input.subject,
    status: 'open',
    priority,
    assignee_user_id: await nextAssignee(desk.db, dept),
    tags: input.tags ?? [],
    service_id: input.serviceId ?? null,
    invoice_id: input.invoiceId ?? null,
    domain: input.domain ?? null,
    first_response_due_at: due.firstResponseDueAt,
    resolution_due_at: due.resolutionDueAt,
    last_client_reply_at: actor.kind === 'client' ? desk.now : null,
    mail_message_id: input.mailMessageId ?? null,
    created_at: desk.now,
    updated_at: desk.now,
  });
  const { message, attachments } = await insertMessage(desk, ticket!, actor, { body: input.body, files: input.files, via: input.via, mailMessageId: input.mailMessageId });
  await desk.ctx.events.emit('ticket.created', { ticketId: ticket!.id, number: ticket!.number, departmentId: dept.id, clientId: ticket!.client_id, via: input.via ?? 'web' });
  notifyStaff(desk, 'created', ticket!);
  if (!input.quiet) await mailTicketOpened(desk, ticket!, dept, message);
  return { ticket: ticket!, message, attachments };
}

async function insertMessage(desk: Desk, ticket: TicketRow, actor: Actor, input: MessageInput): Promise<{ message: MessageRow; attachments: AttachmentRow[] }> {
  if (!input.body.trim() && !input.files?.length) throw new ValidationError({ body: 'is empty' });
  const [message] = await desk.db.insert<MessageRow>('ticket_messages', {
    ticket_id: ticket.id, author_kind: actor.kind, author_user_id: actor.userId, author_email: actor.email, author_name: actor.name,
    body: input.body, internal: input.internal ?? false, via: input.via ?? 'web', mail_message_id: input.mailMessageId ?? null,
    created_at: desk.now, updated_at: desk.now,
  });
  const attachments = input.files?.length ? await saveAttachments(desk.db, desk.store, desk.settings, ticket.id, message!.id, input.files) : [];
  return { message: message!, attachments };
}

/** The status a message moves the ticket to: a staff answer waits for the client, a client's words for staff. */
function statusAfter(ticket: TicketRow, actor: Actor, internal: boolean): TicketStatus {
  if (internal || actor.kind === 'system') return ticket.status;
  if (actor.kind === 'staff') return 'answered';
  return ticket.status === 'open' ? 'open' : 'customer_reply';
}

/** Adds a message (staff answer, client reply, internal note); a staff answer is mailed to the client. */
export async function addMessage(desk: Desk, ticket: TicketRow, actor: Actor, input: MessageInput): Promise<{ message: MessageRow; attachments: AttachmentRow[]; ticket: TicketRow }> {
  const internal = input.internal ?? false;
  const { message, attachments } = await insertMessage(desk, ticket, actor, input);
  const changes: Partial<TicketRow> = { updated_at: desk.now };
  if (!input.quiet) {
    const status = statusAfter(ticket, actor, internal);
    changes.status = status;
    if (status !== 'closed') changes.closed_at = null;
    if (actor.kind === 'staff' && !internal) {
      changes.last_staff_reply_at = desk.now;
      if (!ticket.first_responded_at) changes.first_responded_at = desk.now;
    }
    if (actor.kind === 'client') changes.last_client_reply_at = desk.now;
  }
  const [updated] = (await desk.db('tickets').where({ id: ticket.id }).update(changes).returning('*')) as TicketRow[];
  if (actor.kind === 'staff' && !internal) {
    const messageId = await mailStaffReply(desk, updated!, await department(desk, ticket.department_id), message, actor.name ?? actor.email);
    await desk.db('ticket_messages').where({ id: message.id }).update({ mail_message_id: messageId });
    message.mail_message_id = messageId;
  }
  if (!internal) await desk.ctx.events.emit('ticket.replied', { ticketId: ticket.id, messageId: message.id, author: actor.kind });
  notifyStaff(desk, 'replied', updated!);
  return { message, attachments, ticket: updated! };
}

export async function ticketById(desk: Desk, id: string): Promise<TicketRow> {
  const row = (await desk.db('tickets').where({ id }).first()) as TicketRow | undefined;
  if (!row) throw new NotFoundError();
  return row;
}

/** Closes a ticket (by staff, the client, or auto-close); closing stops the SLA clocks. */
export async function closeTicket(desk: Desk, ticket: TicketRow, actor: Actor, note?: string): Promise<TicketRow> {
  if (ticket.status === 'closed') return ticket;
  const [updated] = (await desk.db('tickets').where({ id: ticket.id }).update({ status: 'closed', closed_at: desk.now, updated_at: desk.now }).returning('*')) as TicketRow[];
  if (note) await desk.db.insert('ticket_messages', { ticket_id: ticket.id, author_kind: 'system', body: note, internal: true, created_at: desk.now, updated_at: desk.now });
  await desk.ctx.events.emit('ticket.closed', { ticketId: ticket.id, by: actor.kind });
  notifyStaff(desk, 'closed', updated!);
  return updated!;
}
