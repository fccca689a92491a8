import type { Desk } from '../desk.ts';
import type { TicketRow } from './model.ts';
import { PRIORITIES } from './model.ts';
import { escalatedPriority, slaState } from './sla.ts';
import { closeTicket, department } from './service.ts';
import { mailAutoClosed } from '../mail/outgoing.ts';
import { noticeEscalation } from './escalation-notice.ts';
import { notifyStaff } from './realtime.ts';

export interface MaintenanceResult { warned: number; breached: number; autoClosed: number }

/**
 * The periodic pass over one tenant's open tickets: SLA warnings (once per ticket), breaches
 * (once: escalation raises the priority a step and tells the staff), then auto-close of tickets
 * answered and left without a client reply for the tenant's time. Idempotent: a second pass at
 * the same time changes nothing.
 */
export async function runMaintenance(desk: Desk): Promise<MaintenanceResult> {
  const result: MaintenanceResult = { warned: 0, breached: 0, autoClosed: 0 };
  const open = (await desk.db('tickets').whereNot({ status: 'closed' }).whereNull('merged_into_id').whereNull('sla_breached_at')
    .where((w) => w.whereNotNull('first_response_due_at').orWhereNotNull('resolution_due_at')).select('*')) as TicketRow[];
  for (const t of open) {
    const state = slaState(t, desk.now, desk.settings.slaWarnPercent);
    if (state === 'breached') {
      const priority = escalatedPriority(t.priority, PRIORITIES);
      const [row] = (await desk.db('tickets').where({ id: t.id }).update({ sla_breached_at: desk.now, escalated_at: desk.now, sla_warned_at: t.sla_warned_at ?? desk.now, priority, updated_at: desk.now }).returning('*')) as TicketRow[];
      await desk.db.insert('ticket_messages', { ticket_id: t.id, author_kind: 'system', internal: true, body: `SLA breached: escalated from ${t.priority} to ${priority}.`, created_at: desk.now, updated_at: desk.now });
      await desk.ctx.events.emit('ticket.slaBreached', { ticketId: t.id, number: t.number, from: t.priority, to: priority, assigneeUserId: t.assignee_user_id });
      notifyStaff(desk, 'slaBreached', row!);
      await noticeEscalation(desk, row!, t.priority, priority);
      result.breached++;
    } else if (state === 'warning' && !t.sla_warned_at) {
      const [row] = (await desk.db('tickets').where({ id: t.id }).update({ sla_warned_at: desk.now }).returning('*')) as TicketRow[];
      await desk.ctx.events.emit('ticket.slaWarning', { ticketId: t.id, number: t.number, assigneeUserId: t.assignee_user_id });
      notifyStaff(desk, 'slaWarning', row!);
      result.warned++;
    }
  }
  if (desk.settings.autoCloseHours > 0) {
    const before = new Date(desk.now.getTime() - desk.settings.autoCloseHours * 3_600_000);
    const stale = (await desk.db('tickets').where({ status: 'answered' }).where('last_staff_reply_at', '<=', before).select('*')) as TicketRow[];
    for (const t of stale) {
      const closed = await closeTicket(desk, t, { kind: 'system', userId: null, email: null, name: null }, `Closed automatically after ${desk.settings.autoCloseHours} hours without a reply.`);
      await mailAutoClosed(desk, closed, await department(desk, t.department_id), desk.settings.autoCloseHours);
      result.autoClosed++;
    }
  }
  return result;
}
