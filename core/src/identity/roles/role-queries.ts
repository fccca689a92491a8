import type { Knex } from 'knex';
import type { TenantDb } from '@mpanel/sdk';
import { ValidationError } from '@mpanel/sdk';

export interface RoleRow {
  id: string;
  tenant_id: string | null;
  name: string;
  level: number;
  description: string;
  is_system: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Roles a tenant can use: the shared system roles plus its own custom roles. */
export function visibleRoles(db: TenantDb) {
  return db.trx('roles').where((q: Knex.QueryBuilder) => q.whereNull('tenant_id').orWhere('tenant_id', db.tenantId));
}

/** Resolves role names to rows; an unknown name is a 400 on `field`. */
export async function rolesByName(db: TenantDb, names: string[], field = 'roles'): Promise<RoleRow[]> {
  const unique = [...new Set(names)];
  const rows = (await visibleRoles(db).whereIn('name', unique)) as RoleRow[];
  const missing = unique.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) throw new ValidationError({ [field]: `unknown role ${missing.join(', ')}` });
  return rows;
}
