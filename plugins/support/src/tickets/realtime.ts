import type { Desk } from '../desk.ts';
import type { TicketRow } from './model.ts';

/** Pushes a queue change to the tenant's staff (those who may work tickets): their queue refreshes. */
export function notifyStaff(desk: Desk, change: string, ticket: TicketRow): void {
  desk.ctx.realtime.toPermission(desk.db.tenantId, 'tickets.manage').emit('support:ticket', { change, ticketId: ticket.id, number: ticket.number, status: ticket.status });
}
