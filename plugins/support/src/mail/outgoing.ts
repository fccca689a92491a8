import { notificationsRef, type MailAddress } from '@mpanel/sdk';
import type { Desk } from '../desk.ts';
import type { DepartmentRow, MessageRow, TicketRow } from '../tickets/model.ts';
import { mailKey, replyAddress, splitAddress } from './reply-address.ts';
import { REPLY_ABOVE } from './trim.ts';
import { TICKET_AUTO_CLOSED, TICKET_OPENED, TICKET_REPLY } from './templates.ts';

/**
 * Every mail the support desk sends to a client, in one file: through the notifications plugin's
 * templates (the tenant's edit, the client's language, the mail log) when it is there, else as
 * plain text through `ctx.mail`. Threading headers go along either way.
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

interface TicketMail {
  template: string;
  data: Record<string, unknown>;
  headers: Record<string, string>;
  idempotencyKey: string;
  /** Without the notifications plugin. */
  fallback: { subject: string; text: string };
}

/** The client's language (portal setting) for the template; guests get the default. */
async function languageOf(desk: Desk, ticket: TicketRow): Promise<string | null> {
  if (!ticket.client_id) return null;
  const row = (await desk.db('clients').where({ id: ticket.client_id }).first('language')) as { language: string | null } | undefined;
  return row?.language ?? null;
}

async function sendTicketMail(desk: Desk, ticket: TicketRow, department: DepartmentRow, mail: TicketMail): Promise<void> {
  const to: MailAddress = ticket.contact_name ? { email: ticket.contact_email, name: ticket.contact_name } : { email: ticket.contact_email };
  const route = await sender(desk, department, ticket);
  const notifications = desk.ctx.services.tryResolve(notificationsRef);
  if (notifications) {
    await notifications.sendMail({
      template: mail.template, tenantId: desk.db.tenantId, to, language: await languageOf(desk, ticket), clientId: ticket.client_id,
      data: { name: ticket.contact_name ?? ticket.contact_email, number: ticket.number, subject: ticket.subject, department: department.name, ...mail.data },
      headers: mail.headers, idempotencyKey: mail.idempotencyKey, ...route,
    });
    return;
  }
  await desk.ctx.mail.send({ to, ...route, ...mail.fallback, headers: mail.headers, idempotencyKey: mail.idempotencyKey }, { tenantId: desk.db.tenantId });
}

/** Message-ID plus In-Reply-To/References of the thread so far. */
function threaded(messageId: string, refs: string[]): Record<string, string> {
  const headers: Record<string, string> = { 'Message-ID': messageId };
  if (refs.length) {
    headers['In-Reply-To'] = refs[refs.length - 1]!;
    headers.References = refs.join(' ');
  }
  return headers;
}

/** A staff answer to the client, threaded under the conversation; returns the Message-ID it carries. */
export async function mailStaffReply(desk: Desk, ticket: TicketRow, department: DepartmentRow, message: MessageRow, staffName: string | null): Promise<string> {
  const messageId = messageIdFor(ticket.id, message.id, domainOf(department));
  const staff = staffName ?? department.name;
  await sendTicketMail(desk, ticket, department, {
    template: TICKET_REPLY.key, data: { message: message.body, staff },
    headers: threaded(messageId, await thread(desk, ticket, message.id)),
    idempotencyKey: `support:message:${message.id}`,
    fallback: {
      subject: `Re: ${subjectOf(ticket)}`,
      text: `${REPLY_ABOVE}\n\n${message.body}\n\n-- \n${staff}\n${department.name} · ticket #${ticket.number}\nReply to this mail to answer.`,
    },
  });
  return messageId;
}

/**
 * The receipt of a new ticket, marked `Auto-Submitted: auto-replied` so well-behaved
 * auto-responders do not answer it (and the desk never answers theirs).
 */
export async function mailTicketOpened(desk: Desk, ticket: TicketRow, department: DepartmentRow, first: MessageRow): Promise<void> {
  const headers = { ...threaded(messageIdFor(ticket.id, `${first.id}.receipt`, domainOf(department)), first.mail_message_id ? [first.mail_message_id] : []), 'Auto-Submitted': 'auto-replied' };
  await sendTicketMail(desk, ticket, department, {
    template: TICKET_OPENED.key, data: {}, headers, idempotencyKey: `support:opened:${ticket.id}`,
    fallback: { subject: subjectOf(ticket), text: `We received your request and opened ticket #${ticket.number} in ${department.name}.\nReply to this mail to add to it.` },
  });
}

/** Tells the client their ticket was closed for lack of a reply (threaded, auto-submitted). */
export async function mailAutoClosed(desk: Desk, ticket: TicketRow, department: DepartmentRow, hours: number): Promise<void> {
  const headers = { ...threaded(messageIdFor(ticket.id, `closed.${ticket.id}`, domainOf(department)), await thread(desk, ticket, null)), 'Auto-Submitted': 'auto-generated' };
  await sendTicketMail(desk, ticket, department, {
    template: TICKET_AUTO_CLOSED.key, data: { hours }, headers, idempotencyKey: `support:auto-closed:${ticket.id}:${desk.now.toISOString()}`,
    fallback: { subject: `Closed: ${subjectOf(ticket)}`, text: `We closed ticket #${ticket.number} after ${hours} hours without a reply from you. Reply to this mail if you still need help.` },
  });
}
