import { ForbiddenError, UnauthorizedError } from './errors.ts';

/** The tenant a request, job or event handler acts for. */
export interface TenantRef {
  id: string;
  slug: string;
  name: string;
  parentTenantId: string | null;
}

/**
 * Who is acting: a logged-in user, an API key, or the system (jobs, event handlers, webhooks).
 * A route handler gets it as `ctx.principal`; jobs and handlers through `ctx.scope()`.
 */
export interface Principal {
  kind: 'user' | 'apiKey' | 'system';
  /** The user id, the API key id, or `system`. */
  id: string;
  tenantId: string;
  /** The user behind the request (the creator, for an API key); null for the system. */
  userId: string | null;
  email: string | null;
  roles: string[];
  /** The most powerful (lowest) role level held: super_admin 0 ... client 7. */
  level: number;
  permissions: ReadonlySet<string>;
  /** For `client` users: their client account; every record they see must belong to it. */
  clientId: string | null;
}

/** A permission a plugin or core declares: `resource.action`, with the roles that get it by default. */
export interface PermissionDefinition {
  name: string;
  description: string;
  defaultRoles?: string[];
}

export const PERMISSION_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** The system roles and their levels (lower is more powerful). */
export const SYSTEM_ROLES = {
  super_admin: 0,
  admin: 1,
  manager: 2,
  billing: 3,
  support: 4,
  technician: 5,
  reseller: 6,
  client: 7,
} as const;

export type SystemRole = keyof typeof SYSTEM_ROLES;

export function can(principal: Principal | undefined, permission: string): boolean {
  return principal !== undefined && principal.permissions.has(permission);
}

/** Throws 401 without a principal and 403 without the permission; use it in code paths. */
export function requirePermission(principal: Principal | undefined, permission: string): asserts principal is Principal {
  if (!principal) throw new UnauthorizedError();
  if (!principal.permissions.has(permission)) throw new ForbiddenError(`Missing permission ${permission}`);
}
