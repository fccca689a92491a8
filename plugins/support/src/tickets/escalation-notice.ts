import { notificationsRef } from '@mpanel/sdk';
import type { Desk } from '../desk.ts';
import type { TicketPriority, TicketRow } from './model.ts';
import { ESCALATED_TYPE } from '../mail/templates.ts';

/**
 * An SLA breach to the staff through the notifications plugin (bell and/or mail from the
 * `support.ticket.escalated` template, per each user's preferences): the assignee, or everyone who
 * works tickets when nobody is assigned. Without the plugin the realtime push stays the only signal.
 */
export async function noticeEscalation(desk: Desk, ticket: TicketRow, from: TicketPriority, to: TicketPriority): Promise<void> {
  const notifications = desk.ctx.services.tryResolve(notificationsRef);
  if (!notifications) return;
  const base = desk.ctx.platform.publicUrl?.replace(/\/$/, '') ?? '';
  await notifications.notify({
    type: ESCALATED_TYPE, tenantId: desk.db.tenantId,
    ...(ticket.assignee_user_id ? { userIds: [ticket.assignee_user_id] } : { permission: 'tickets.manage' }),
    title: `SLA breached: [#${ticket.number}] ${ticket.subject}`, body: `Escalated from ${from} to ${to}.`,
    link: `${base}/admin/tickets/${ticket.id}`,
    data: { number: ticket.number, subject: ticket.subject, from, to },
    idempotencyKey: `support:escalated:${ticket.id}`,
  });
}
