import type { TenantDb } from '@mpanel/sdk';
import { ConflictError } from '@mpanel/sdk';
import { assertPasswordAcceptable } from '../passwords/policy.ts';
import { hashPassword } from '../passwords/hasher.ts';
import { rolesByName, type RoleRow } from '../roles/role-queries.ts';

export interface NewUser {
  email: string;
  password: string;
  name?: string | null;
  roles: string[];
  /** Portal users: the billing client account they belong to. */
  clientId?: string | null;
}

export interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  name: string | null;
  status: 'active' | 'disabled';
  client_id: string | null;
  totp_enabled: boolean;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns a user is shown with (never hashes or secrets). */
export const USER_COLUMNS = ['id', 'tenant_id', 'email', 'name', 'status', 'client_id', 'totp_enabled', 'last_login_at', 'created_at', 'updated_at'];

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/**
 * Creates a user with roles in the tenant of `db` (password policy, argon2id). Grant checks are
 * the caller's: seeding and the CLI grant freely, routes check first. Also used by plugins
 * (billing's portal logins) through the `userAccounts` service.
 */
export async function createUser(db: TenantDb, input: NewUser, roles?: RoleRow[]): Promise<UserRow & { roles: string[] }> {
  assertPasswordAcceptable(input.password, input.email);
  const roleRows = roles ?? (await rolesByName(db, input.roles));
  const passwordHash = await hashPassword(input.password);
  let user: UserRow;
  try {
    [user] = (await db.insert<UserRow>('users', {
      email: input.email.trim(),
      name: input.name ?? null,
      password_hash: passwordHash,
      client_id: input.clientId ?? null,
      password_changed_at: new Date(),
    })) as [UserRow];
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('A user with this email already exists', { email: 'is already taken' });
    throw err;
  }
  if (roleRows.length) await db.insert('user_roles', roleRows.map((r) => ({ user_id: user.id, role_id: r.id })));
  return { ...pick(user), roles: roleRows.map((r) => r.name) };
}

/** A user row as the API shows it. */
export function pick(user: UserRow): UserRow {
  const out: Record<string, unknown> = {};
  for (const c of USER_COLUMNS) out[c] = (user as unknown as Record<string, unknown>)[c];
  return out as unknown as UserRow;
}

/** The service plugins resolve as `userAccounts`. */
export interface UserAccounts {
  createUser(db: TenantDb, input: NewUser): Promise<UserRow & { roles: string[] }>;
}
