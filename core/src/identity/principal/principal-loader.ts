import type { Knex } from 'knex';
import type { Principal, TenantRef } from '@mpanel/sdk';
import { SYSTEM_ROLES, UnauthorizedError } from '@mpanel/sdk';
import type { RolePermissions, RoleStamp } from '../roles/role-permissions.ts';
import { sameHash, sha256 } from '../auth/secrets.ts';
import { ACCOUNT_PERMISSION } from '../guards/authorize.ts';
import { MANAGE_ALL_TENANTS, isPlatformTenant } from '../permissions.ts';

export interface LoadedPrincipal {
  principal: Principal;
  tenant: TenantRef;
  tenantSettings: Record<string, unknown>;
  /** The user has TOTP enabled (for tenants that require it of staff). */
  totpEnabled: boolean;
  /** A session a staff user opened as this user ("log in as client"): that staff user's id. */
  impersonatedBy: string | null;
}

interface Row {
  user_id: string;
  email: string;
  status: string;
  client_id: string | null;
  totp_enabled: boolean;
  tenant_id: string;
  slug: string;
  name: string;
  parent_tenant_id: string | null;
  tenant_status: string;
  settings: Record<string, unknown>;
  roles: RoleStamp[] | string;
  /** Session rows only. */
  impersonated_by?: string | null;
}

// One indexed query per request: the user, its tenant and its roles (ids + version stamps).
const SELECT = `
  u.id as user_id, u.email, u.status, u.client_id, u.totp_enabled,
  t.id as tenant_id, t.slug, t.name, t.parent_tenant_id, t.status as tenant_status, t.settings,
  coalesce((select json_agg(json_build_object('id', r.id, 'name', r.name, 'level', r.level, 'system', r.is_system, 'version', r.version))
            from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id), '[]'::json) as roles`;

// A session's own columns, read in the same query.
const SESSION_COLUMNS = 's.impersonated_by';
// Bindings in order: session id, user id, tenant id.
const FROM_SESSION = `from sessions s join users u on u.id = s.user_id join tenants t on t.id = u.tenant_id
  where s.id = ? and s.user_id = ? and s.tenant_id = ? and s.revoked_at is null`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const API_KEY_PATTERN = /^mpk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * Loads who is calling: from an access token's session (revoked session, disabled user or
 * suspended tenant → 401) or from an API key (permissions = key's subset ∩ creator's current).
 * Runs as the platform role before the request transaction exists.
 */
export class PrincipalLoader {
  constructor(private readonly knex: Knex, private readonly roles: RolePermissions) {}

  async fromSession(userId: string, tenantId: string, sessionId: string): Promise<LoadedPrincipal> {
    const { rows } = (await this.knex.raw(`select ${SELECT}, ${SESSION_COLUMNS} ${FROM_SESSION}`, [sessionId, userId, tenantId])) as { rows: Row[] };
    return this.fromSessionRow(rows[0]);
  }

  /**
   * The session query as text with its ids as literals, for a caller that sends it with BEGIN in
   * one round trip (the authentication guard); undefined unless all three ids are UUIDs, which is
   * what makes them safe as literals. Its first row goes to `fromSessionRow`.
   */
  sessionStatement(userId: string, tenantId: string, sessionId: string): string | undefined {
    if (![userId, tenantId, sessionId].every((id) => UUID.test(id))) return undefined;
    return `select ${SELECT}, ${SESSION_COLUMNS} ${FROM_SESSION.replace('?', `'${sessionId}'`).replace('?', `'${userId}'`).replace('?', `'${tenantId}'`)}`;
  }

  /** `db`: the transaction the row was read in, if any (PGlite has one connection). */
  fromSessionRow(row: unknown, db?: Knex): Promise<LoadedPrincipal> {
    if (!row) throw new UnauthorizedError('Invalid or expired token');
    return this.build(row as Row, 'user', (row as Row).user_id, undefined, db);
  }

  async fromApiKey(key: string): Promise<LoadedPrincipal> {
    const match = API_KEY_PATTERN.exec(key);
    if (!match) throw new UnauthorizedError('Invalid or expired token');
    const { rows } = (await this.knex.raw(
      `select ${SELECT}, k.id as key_id, k.key_hash, k.permissions as key_permissions, k.expires_at, k.revoked_at, k.last_used_at
       from api_keys k join users u on u.id = k.user_id join tenants t on t.id = u.tenant_id where k.prefix = ?`,
      [match[1]!],
    )) as { rows: Array<Row & { key_id: string; key_hash: string; key_permissions: string[]; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null }> };
    const row = rows[0];
    const now = Date.now();
    if (!row || !sameHash(row.key_hash, sha256(key)) || row.revoked_at || (row.expires_at && row.expires_at.getTime() <= now)) {
      throw new UnauthorizedError('Invalid or expired token');
    }
    // Last use is informative: written at most once a minute to keep key calls cheap.
    if (!row.last_used_at || now - row.last_used_at.getTime() > 60_000) {
      await this.knex('api_keys').where({ id: row.key_id }).update({ last_used_at: new Date(now) });
    }
    return this.build(row, 'apiKey', row.key_id, new Set(row.key_permissions));
  }

  private async build(row: Row, kind: 'user' | 'apiKey', id: string, subset: Set<string> | undefined, db?: Knex): Promise<LoadedPrincipal> {
    if (row.status !== 'active' || row.tenant_status !== 'active') throw new UnauthorizedError('Invalid or expired token');
    const roles = (typeof row.roles === 'string' ? JSON.parse(row.roles) : row.roles) as RoleStamp[];
    const level = roles.reduce((min, r) => Math.min(min, r.level), Number.MAX_SAFE_INTEGER);
    // A client-level user bound to no client account would pass for staff in ownership checks: no access.
    if (roles.length && level >= SYSTEM_ROLES.client && !row.client_id) throw new UnauthorizedError('Invalid or expired token');
    let permissions = await this.roles.union(roles, db);
    // Every user may manage their own account (me, password, two-factor), whatever its roles.
    permissions.add(ACCOUNT_PERMISSION);
    if (subset) permissions = new Set([...permissions].filter((p) => subset.has(p)));
    const tenant: TenantRef = { id: row.tenant_id, slug: row.slug, name: row.name, parentTenantId: row.parent_tenant_id };
    // Platform power outside the platform's root tenant (a custom role that holds it) is no power.
    if (!isPlatformTenant(tenant)) permissions.delete(MANAGE_ALL_TENANTS);
    const principal: Principal = {
      kind,
      id,
      tenantId: row.tenant_id,
      userId: row.user_id,
      email: row.email,
      roles: roles.map((r) => r.name),
      level,
      permissions,
      clientId: row.client_id,
    };
    return {
      principal,
      tenant,
      tenantSettings: row.settings ?? {},
      totpEnabled: row.totp_enabled,
      impersonatedBy: row.impersonated_by ?? null,
    };
  }
}
