import type { TenantDb } from '@mpanel/sdk';
import { NotFoundError } from '@mpanel/sdk';
import { USER_COLUMNS, type UserRow } from './user-accounts.ts';
import type { RoleRow } from '../roles/role-queries.ts';
import { toApi } from '../serialize.ts';

/** Role names of each user, for one page of users (one query). */
export async function rolesOfUsers(db: TenantDb, userIds: string[]): Promise<Map<string, RoleRow[]>> {
  const out = new Map<string, RoleRow[]>();
  if (!userIds.length) return out;
  const rows = (await db('user_roles as ur').join('roles as r', 'r.id', 'ur.role_id').whereIn('ur.user_id', userIds).select('ur.user_id', 'r.*')) as Array<RoleRow & { user_id: string }>;
  for (const row of rows) {
    const list = out.get(row.user_id) ?? [];
    list.push(row);
    out.set(row.user_id, list);
  }
  return out;
}

/**
 * A select column with the user's role names as a JSON array, for a query on `users`: the page
 * of a list then needs no second query for its roles. Correlated to the (tenant-filtered) user row
 * and filtered to its tenant like every tenant query; row-level security applies as well.
 */
export const ROLE_NAMES_COLUMN = `coalesce((select json_agg(r.name order by r.level, r.name) from user_roles ur join roles r on r.id = ur.role_id
  where ur.user_id = users.id and ur.tenant_id = users.tenant_id), '[]'::json) as role_names`;

/** The user, or 404 (also for another tenant's user: the tenant filter simply finds nothing). */
export async function findUser(db: TenantDb, id: string): Promise<UserRow & { roles: RoleRow[]; level: number }> {
  const user = (await db('users').select(USER_COLUMNS).where({ id }).first()) as UserRow | undefined;
  if (!user) throw new NotFoundError('User not found');
  const roles = (await rolesOfUsers(db, [id])).get(id) ?? [];
  return { ...user, roles, level: levelOf(roles) };
}

export function levelOf(roles: Array<{ level: number }>): number {
  return roles.reduce((min, r) => Math.min(min, r.level), Number.MAX_SAFE_INTEGER);
}

/** A row selected with ROLE_NAMES_COLUMN, as the API shows it. */
export function listedUserToApi(row: UserRow & { role_names: string[] | string }): Record<string, unknown> {
  const { role_names: names, ...user } = row;
  const roles = (typeof names === 'string' ? JSON.parse(names) : names) as string[];
  return { ...userToApi(user, []), roles };
}

export function userToApi(user: UserRow, roles: Array<{ name: string }>): Record<string, unknown> {
  const { totp_enabled: twoFactorEnabled, ...rest } = user;
  return { ...toApi(rest, ['roles', 'level']), twoFactorEnabled, roles: roles.map((r) => r.name) };
}
