import { NotFoundError, isClientScoped, type Principal, type RouteContext } from '@mpanel/sdk';
import type { Desk } from '../desk.ts';
import type { Actor, TicketRow } from './model.ts';

/** Whether the caller works tickets as staff (sees internal notes, every client's tickets). */
export const isStaff = (p: Principal | null): boolean => p !== null && !isClientScoped(p) && p.permissions.has('tickets.manage');

export async function actorOf(desk: Desk, p: Principal): Promise<Actor> {
  const user = p.userId ? ((await desk.db.trx('users').where({ id: p.userId, tenant_id: desk.db.tenantId }).first('name', 'email')) as { name: string | null; email: string } | undefined) : undefined;
  return { kind: isClientScoped(p) ? 'client' : 'staff', userId: p.userId, email: user?.email ?? p.email, name: user?.name ?? null };
}

/**
 * The ticket if the caller may see it: staff with `tickets.manage` see the tenant's tickets, a
 * client user only its own account's. Anything else is a 404, like another tenant's ticket.
 */
export async function visibleTicket(desk: Desk, p: Principal, id: string): Promise<TicketRow> {
  const q = desk.db('tickets').where({ id });
  if (!isStaff(p)) {
    if (!isClientScoped(p) || !p.clientId) throw new NotFoundError();
    q.where({ client_id: p.clientId });
  }
  const row = (await q.first()) as TicketRow | undefined;
  if (!row) throw new NotFoundError();
  return row;
}

export const principalOf = (ctx: RouteContext<unknown, unknown, unknown>): Principal => ctx.principal!;
