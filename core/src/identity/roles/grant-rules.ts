import type { Knex } from 'knex';
import { ForbiddenError, type Principal } from '@mpanel/sdk';
import type { RolePermissions } from './role-permissions.ts';
import type { RoleRow } from './role-queries.ts';

/** Nobody grants a permission they do not hold. */
export function assertHoldsAll(principal: Principal, permissions: Iterable<string>): void {
  for (const p of permissions) if (!principal.permissions.has(p)) throw new ForbiddenError(`You cannot grant ${p}: you do not hold it`);
}

/** Nobody grants a role of a more powerful (lower) level than their own, or one carrying permissions they lack. */
export async function assertCanGrantRoles(principal: Principal, roles: RoleRow[], rolePermissions: RolePermissions, db: Knex): Promise<void> {
  for (const role of roles) {
    if (role.level < principal.level) throw new ForbiddenError(`You cannot grant the role ${role.name}`);
    assertHoldsAll(principal, await rolePermissions.of({ id: role.id, name: role.name, level: role.level, system: role.is_system, version: role.version }, db));
  }
}
