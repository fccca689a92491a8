import type { Desk, SupportContext } from '../desk.ts';
import { openDesk } from '../desk.ts';
import type { Actor, DepartmentRow, TicketRow } from '../tickets/model.ts';
import { addMessage, openTicket } from '../tickets/service.ts';
import type { IncomingFile } from '../attachments/policy.ts';
import { checkFile } from '../attachments/policy.ts';
import { isAutomated } from './automated.ts';
import { parseMail, type ParsedMail } from './parse.ts';
import { baseAddress, mailKey, ticketNumberOf } from './reply-address.ts';
import { trimReply } from './trim.ts';
import type { MailDirectory } from './directory.ts';
import type { SenderLimits } from './sender-limit.ts';

/** Why a mail was refused, with the SMTP reply code the receiver answers with. */
export class MailRefused extends Error {
  constructor(readonly responseCode: number, message: string) {
    super(message);
  }
}

export type IncomingOutcome =
  | { kind: 'created'; tenantId: string; ticketId: string }
  | { kind: 'replied'; tenantId: string; ticketId: string }
  | { kind: 'ignored'; tenantId: string; reason: string };

export interface IncomingDeps {
  ctx: SupportContext;
  directory: MailDirectory;
  limits: SenderLimits;
}

/** The first recipient that is a department address (or a reply address under one). */
export async function mailboxFor(directory: MailDirectory, recipients: string[]) {
  for (const rcpt of recipients) {
    const { base, tag } = baseAddress(rcpt);
    const box = await directory.lookup(base);
    if (box) return { ...box, tag };
  }
  return undefined;
}

/**
 * One received mail → a new ticket, a reply on an existing ticket, or nothing (a duplicate, or an
 * automated mail that would open a ticket). Refusals (unknown address, flood, department policy)
 * throw MailRefused, which the SMTP receiver turns into its answer.
 */
export async function receiveMail(deps: IncomingDeps, raw: Buffer, envelope: { from: string | null; to: string[] }): Promise<IncomingOutcome> {
  const box = await mailboxFor(deps.directory, envelope.to);
  if (!box) throw new MailRefused(550, 'No such mailbox here');
  const mail = await parseMail(raw);
  if (!mail.fromEmail) throw new MailRefused(550, 'A mail needs a From address');
  const settings = await deps.ctx.settings.get(box.tenantId);
  if (!(await deps.limits.take(box.tenantId, mail.fromEmail, settings.mailPerSenderPerHour ?? 20))) {
    throw new MailRefused(450, 'Too many mails from this sender; try again later');
  }
  return deps.ctx.db.transaction(box.tenantId, async (trx) => {
    const desk = await openDesk(deps.ctx, trx, box.tenantId);
    return intoTicket(desk, mail, box.departmentId, box.tag, envelope.from);
  });
}

async function intoTicket(desk: Desk, mail: ParsedMail, departmentId: string, tag: string | null, envelopeFrom: string | null): Promise<IncomingOutcome> {
  const tenantId = desk.db.tenantId;
  const dept = (await desk.db('ticket_departments').where({ id: departmentId }).first()) as DepartmentRow;
  if (mail.messageId && (await desk.db('ticket_messages').where({ mail_message_id: mail.messageId }).first('id'))) return { kind: 'ignored', tenantId, reason: 'duplicate' };
  // Our own mail coming back (a forward pointing at itself) is a loop.
  if (dept.email && mail.fromEmail === dept.email.toLowerCase()) return { kind: 'ignored', tenantId, reason: 'loop' };
  const automated = isAutomated(mail.header, envelopeFrom);
  const files = acceptedFiles(desk, mail.files);
  const existing = await threadedTicket(desk, mail, tag);
  const sender = await senderOf(desk, mail.fromEmail!);
  if (existing) {
    const mayPost = tag !== null || existing.contact_email === mail.fromEmail || (sender.clientId !== null && sender.clientId === existing.client_id);
    if (mayPost) {
      await addMessage(desk, existing, sender.actor, { body: trimReply(mail.text), files, via: 'mail', mailMessageId: mail.messageId, quiet: automated });
      return { kind: 'replied', tenantId, ticketId: existing.id };
    }
  }
  if (automated) return { kind: 'ignored', tenantId, reason: 'automated' };
  let clientId = sender.clientId;
  if (!clientId) {
    if (dept.unknown_sender_policy === 'reject') throw new MailRefused(550, 'This address accepts mail from clients only');
    if (dept.unknown_sender_policy === 'create_client') clientId = await createClient(desk, mail);
  }
  const { ticket } = await openTicket(desk, sender.actor, {
    departmentId: dept.id, subject: mail.subject || '(no subject)', body: trimReply(mail.text) || '(empty mail)', clientId,
    contactEmail: mail.fromEmail!, contactName: mail.fromName, files, via: 'mail', mailMessageId: mail.messageId,
  });
  return { kind: 'created', tenantId, ticketId: ticket.id };
}

/** Mailed files within the tenant's limits; the others are dropped (the mail itself still counts). */
function acceptedFiles(desk: Desk, files: IncomingFile[]): IncomingFile[] {
  return files.filter((f) => {
    try {
      checkFile(f, desk.settings);
      return true;
    } catch {
      return false;
    }
  });
}

/** The ticket a mail continues: its signed reply address, then its threading headers, then `[#123]` from the same sender. */
async function threadedTicket(desk: Desk, mail: ParsedMail, tag: string | null): Promise<TicketRow | undefined> {
  const follow = async (t: TicketRow | undefined): Promise<TicketRow | undefined> => {
    for (let hops = 0; t?.merged_into_id && hops < 10; hops++) t = (await desk.db('tickets').where({ id: t.merged_into_id }).first()) as TicketRow | undefined;
    return t;
  };
  if (tag) {
    const number = ticketNumberOf(tag, await mailKey(desk.db));
    if (number !== null) return follow((await desk.db('tickets').where({ number }).first()) as TicketRow | undefined);
  }
  if (mail.replyTo.length) {
    const byMessage = (await desk.db('ticket_messages').whereIn('mail_message_id', mail.replyTo).first('ticket_id')) as { ticket_id: string } | undefined;
    const id = byMessage?.ticket_id ?? ((await desk.db('tickets').whereIn('mail_message_id', mail.replyTo).first('id')) as { id: string } | undefined)?.id;
    if (id) return follow((await desk.db('tickets').where({ id }).first()) as TicketRow);
  }
  const number = /\[#(\d{1,9})\]/.exec(mail.subject)?.[1];
  if (number) {
    const t = (await desk.db('tickets').where({ number: Number(number), contact_email: mail.fromEmail }).first()) as TicketRow | undefined;
    return follow(t);
  }
  return undefined;
}

/** The client account a sender belongs to: a client's own address or one of its portal users'. */
async function senderOf(desk: Desk, email: string): Promise<{ clientId: string | null; actor: Actor }> {
  const client = (await desk.db('clients').whereRaw('lower(email) = ?', [email]).first('id')) as { id: string } | undefined;
  const user = (await desk.db.trx('users').where({ tenant_id: desk.db.tenantId }).whereRaw('lower(email) = ?', [email]).first('id', 'client_id', 'name')) as { id: string; client_id: string | null; name: string | null } | undefined;
  const clientId = client?.id ?? user?.client_id ?? null;
  return { clientId, actor: { kind: 'client', userId: user?.client_id ? user.id : null, email, name: user?.name ?? null } };
}

/** Department policy `create_client`: a client account from the sender's address and display name. */
async function createClient(desk: Desk, mail: ParsedMail): Promise<string> {
  const [first, ...rest] = (mail.fromName ?? mail.fromEmail!.split('@')[0]!).split(/\s+/);
  const [row] = await desk.db.insert<{ id: string }>('clients', {
    email: mail.fromEmail, first_name: (first || 'Unknown').slice(0, 100), last_name: (rest.join(' ') || '-').slice(0, 100),
    country: desk.settings.newClientCountry, currency: desk.settings.newClientCurrency, notes: 'Created from a support mail',
  });
  return row!.id;
}
