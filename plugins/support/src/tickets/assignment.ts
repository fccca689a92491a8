import type { TenantDb } from '@mpanel/sdk';
import type { DepartmentRow } from './model.ts';

/**
 * Round robin within a department: the member after the last one assigned (by user id order),
 * under the department's row lock so two tickets opened at once go to two people.
 */
export async function nextAssignee(db: TenantDb, department: DepartmentRow): Promise<string | null> {
  if (!department.round_robin) return null;
  const locked = (await db('ticket_departments').where({ id: department.id }).forUpdate().first('last_assigned_user_id')) as { last_assigned_user_id: string | null };
  const members = (await db('ticket_department_members').where({ department_id: department.id }).orderBy('user_id').pluck('user_id')) as string[];
  if (!members.length) return null;
  const last = locked.last_assigned_user_id ? members.indexOf(locked.last_assigned_user_id) : -1;
  const next = members[(last + 1) % members.length]!;
  await db('ticket_departments').where({ id: department.id }).update({ last_assigned_user_id: next });
  return next;
}

/** A manual assignee must be a staff user of the tenant (a member of the department or not). */
export async function isTenantUser(db: TenantDb, userId: string): Promise<boolean> {
  return (await db.trx('users').where({ id: userId, tenant_id: db.tenantId }).whereNull('client_id').first('id')) !== undefined;
}
