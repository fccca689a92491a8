import type { MailAddress } from '@mpanel/sdk';
import type { Desk } from '../desk.ts';
import type { DepartmentRow, MessageRow, TicketRow } from '../tickets/model.ts';
import { mailKey, replyAddress, splitAddress } from './reply-address.ts';
import { REPLY_ABOVE } from './trim.ts';

/**
 * Every mail the support desk sends, in one file: today through `ctx.mail` with text bodies; the
 * tenant-editable templates of the notifications plugin replace the bodies here and nowhere else.
 */

/** `<ticket.<id>.<message>@domain>`: ours, so a reply's In-Reply-To finds the ticket again. */
export const messageIdFor = (ticketId: string, messageId: string, domain: string) => `<ticket.${ticketId}.${messageId}@${domain}>`;

const domainOf = (department: DepartmentRow) => (department.email ? splitAddress(department.email)[1] : 'support.mpanel.invalid');

async function sender(desk: Desk, department: DepartmentRow, ticket: TicketRow): Promise<{ from?: MailAddress; replyTo?: MailAddress }> {
  if (!department.email) return {};
  const reply = replyAddress(department.email, await mailKey(desk.db), ticket.number);
  return { from: { email: department.email, name: department.name }, replyTo: { email: reply, name: department.name } };
}

/** The Message-IDs of the thread so far, oldest first (References), the last one (In-Reply-To). */
async function thread(desk: Desk, ticket: TicketRow, before: string | null): Promise<string[]> {
  const q = desk.db('ticket_messages').where({ ticket_id: ticket.id, internal: false }).whereNotNull('mail_message_id').orderBy('created_at').limit(20);
  if (before) q.whereNot({ id: before });
  const ids = ((await q.pluck('mail_message_id')) as string[]);
  return ticket.mail_message_id && !ids.includes(ticket.mail_message_id) ? [ticket.mail_message_id, ...ids] : ids;
}

const subjectOf = (ticket: TicketRow) => `[#${ticket.number}] ${ticket.subject}`;

/** A staff answer to the client, threaded under the conversation; returns the Message-ID it carries. */
export async function mailStaffReply(desk: Desk, ticket: TicketRow, department: DepartmentRow, message: MessageRow, staffName: string | null): Promise<string> {
  const messageId = messageIdFor(ticket.id, message.id, domainOf(department));
  const refs = await thread(desk, ticket, message.id);
  const headers: Record<string, string> = { 'Message-ID': messageId };
  if (refs.length) {
    headers['In-Reply-To'] = refs[refs.length - 1]!;
    headers.References = refs.join(' ');
  }
  await desk.ctx.mail.send({
    to: ticket.contact_name ? { email: ticket.contact_email, name: ticket.contact_name } : ticket.contact_email,
    ...(await sender(desk, department, ticket)),
    subject: `Re: ${subjectOf(ticket)}`,
    text: `${REPLY_ABOVE}\n\n${message.body}\n\n-- \n${staffName ?? department.name}\n${department.name} · ticket #${ticket.number}\nReply to this mail to answer.`,
    headers,
    idempotencyKey: `support:message:${message.id}`,
  }, { tenantId: desk.db.tenantId });
  return messageId;
}

/**
 * The receipt of a new ticket, marked `Auto-Submitted: auto-replied` so well-behaved
 * auto-responders do not answer it (and the desk never answers theirs).
 */
export async function mailTicketOpened(desk: Desk, ticket: TicketRow, department: DepartmentRow, first: MessageRow): Promise<void> {
  const headers: Record<string, string> = { 'Message-ID': messageIdFor(ticket.id, `${first.id}.receipt`, domainOf(department)), 'Auto-Submitted': 'auto-replied' };
  if (first.mail_message_id) {
    headers['In-Reply-To'] = first.mail_message_id;
    headers.References = first.mail_message_id;
  }
  await desk.ctx.mail.send({
    to: ticket.contact_email,
    ...(await sender(desk, department, ticket)),
    subject: subjectOf(ticket),
    text: `We received your request and opened ticket #${ticket.number} in ${department.name}.\nReply to this mail to add to it.`,
    headers,
    idempotencyKey: `support:opened:${ticket.id}`,
  }, { tenantId: desk.db.tenantId });
}
