import type { Knex } from 'knex';
import type { PermissionRegistry } from '../../rbac/permission-registry.ts';

/** A role as the principal query returns it. */
export interface RoleStamp {
  id: string;
  name: string;
  level: number;
  system: boolean;
  version: number;
}

/**
 * The permissions of each role, cached in memory and keyed by a stamp that changes whenever they
 * could change: the registry's revision for system roles (their permissions come from the
 * registry's defaults), the role's `version` column for custom roles (bumped on every edit, so
 * every instance sees the change on its next request).
 */
export class RolePermissions {
  private readonly cache = new Map<string, { stamp: string; permissions: readonly string[] }>();

  constructor(private readonly knex: Knex, private readonly registry: PermissionRegistry) {}

  /** `db`: the caller's transaction when there is one (PGlite has a single connection). */
  async of(role: RoleStamp, db: Knex = this.knex): Promise<readonly string[]> {
    const stamp = role.system ? `r${this.registry.revision}` : `v${role.version}`;
    const hit = this.cache.get(role.id);
    if (hit?.stamp === stamp) return hit.permissions;
    const permissions = role.system
      ? this.registry.defaultsFor(role.name, role.level)
      : (await db('role_permissions').where({ role_id: role.id }).pluck('permission')).filter((p: string) => this.registry.has(p));
    this.cache.set(role.id, { stamp, permissions });
    return permissions;
  }

  async union(roles: RoleStamp[], db: Knex = this.knex): Promise<Set<string>> {
    const all = new Set<string>();
    for (const role of roles) for (const p of await this.of(role, db)) all.add(p);
    return all;
  }
}
