import { ValidationError } from '@mpanel/sdk';
import type { Desk } from '../desk.ts';
import type { Actor, TicketPriority, TicketRow, TicketStatus } from './model.ts';
import { isTenantUser } from './assignment.ts';
import { closeTicket, department } from './service.ts';
import { notifyStaff } from './realtime.ts';

export interface TicketChanges {
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeUserId?: string | null;
  departmentId?: string;
  subject?: string;
  tags?: string[];
  serviceId?: string | null;
  invoiceId?: string | null;
  domain?: string | null;
}

/** Staff changes to a ticket; closing goes through closeTicket (it stops the SLA clocks and tells subscribers). */
export async function updateTicket(desk: Desk, ticket: TicketRow, actor: Actor, c: TicketChanges): Promise<TicketRow> {
  const cols: Record<string, unknown> = {};
  if (c.priority !== undefined) cols.priority = c.priority;
  if (c.subject !== undefined) cols.subject = c.subject;
  if (c.tags !== undefined) cols.tags = c.tags;
  if (c.domain !== undefined) cols.domain = c.domain;
  if (c.departmentId !== undefined) cols.department_id = (await department(desk, c.departmentId)).id;
  if (c.assigneeUserId !== undefined) {
    if (c.assigneeUserId && !(await isTenantUser(desk.db, c.assigneeUserId))) throw new ValidationError({ assigneeUserId: 'no such staff user' });
    cols.assignee_user_id = c.assigneeUserId;
  }
  for (const [field, column, table] of [['serviceId', 'service_id', 'services'], ['invoiceId', 'invoice_id', 'invoices']] as const) {
    const id = c[field];
    if (id === undefined) continue;
    if (id) {
      const row = (await desk.db(table).where({ id }).first('client_id')) as { client_id: string } | undefined;
      if (!row || (ticket.client_id && row.client_id !== ticket.client_id)) throw new ValidationError({ [field]: 'no such record of this client' });
    }
    cols[column] = id;
  }
  if (c.status !== undefined && c.status !== 'closed') {
    cols.status = c.status;
    cols.closed_at = null;
  }
  let row = ticket;
  if (Object.keys(cols).length) {
    [row] = (await desk.db('tickets').where({ id: ticket.id }).update({ ...cols, updated_at: desk.now }).returning('*')) as TicketRow[] as [TicketRow];
    if (cols.assignee_user_id !== undefined && cols.assignee_user_id !== ticket.assignee_user_id) {
      await desk.ctx.events.emit('ticket.assigned', { ticketId: ticket.id, assigneeUserId: cols.assignee_user_id });
    }
    if (cols.status !== undefined && cols.status !== ticket.status) await desk.ctx.events.emit('ticket.statusChanged', { ticketId: ticket.id, from: ticket.status, to: cols.status });
    notifyStaff(desk, 'updated', row);
  }
  if (c.status === 'closed') row = await closeTicket(desk, row, actor);
  return row;
}
