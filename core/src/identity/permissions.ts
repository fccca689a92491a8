import type { PermissionDefinition } from '@mpanel/sdk';
import { DEFAULT_TENANT_SLUG } from '../tenancy/tenant-resolver.ts';

const STAFF_ADMINS = ['admin'];
const MANAGERS = ['admin', 'manager'];
const EVERYONE = ['admin', 'manager', 'billing', 'support', 'technician', 'reseller', 'client'];

/**
 * Platform power: every tenant of the platform. Effective only for principals of the platform's
 * root tenant (see `isPlatformTenant`); held anywhere else (a custom role) it is dropped.
 */
export const MANAGE_ALL_TENANTS = 'tenants.manage-all';

/** The platform's root tenant: `default`, with no parent. */
export function isPlatformTenant(tenant: { slug: string; parentTenantId: string | null }): boolean {
  return tenant.slug === DEFAULT_TENANT_SLUG && tenant.parentTenantId === null;
}

/** Core's permissions. `super_admin` holds every registered permission (level 0). */
export const CORE_PERMISSIONS: PermissionDefinition[] = [
  { name: 'account.manage', description: 'See and manage one\'s own account (profile, two-factor)', defaultRoles: EVERYONE },
  { name: 'tenants.read', description: 'List and view own sub-tenants', defaultRoles: ['admin', 'reseller'] },
  { name: 'tenants.create', description: 'Create sub-tenants (reseller tenants only)', defaultRoles: ['admin', 'reseller'] },
  { name: 'tenants.update', description: 'Update own sub-tenants', defaultRoles: ['admin', 'reseller'] },
  { name: MANAGE_ALL_TENANTS, description: 'Manage every tenant of the platform and act on any of them' },
  { name: 'users.read', description: 'List and view users', defaultRoles: [...MANAGERS, 'support'] },
  { name: 'users.create', description: 'Create users', defaultRoles: MANAGERS },
  { name: 'users.update', description: 'Update users, reset their two-factor, disable them', defaultRoles: MANAGERS },
  { name: 'users.impersonate', description: 'Log in as a client user of the tenant (short-lived, audited)', defaultRoles: STAFF_ADMINS },
  { name: 'users.delete', description: 'Delete users', defaultRoles: STAFF_ADMINS },
  { name: 'roles.read', description: 'List roles and the permission matrix', defaultRoles: MANAGERS },
  { name: 'roles.manage', description: 'Create, change and delete custom roles', defaultRoles: STAFF_ADMINS },
  { name: 'permissions.read', description: 'List every registered permission', defaultRoles: MANAGERS },
  { name: 'api-keys.read', description: 'List API keys', defaultRoles: MANAGERS },
  { name: 'api-keys.create', description: 'Create API keys', defaultRoles: MANAGERS },
  { name: 'api-keys.delete', description: 'Revoke API keys', defaultRoles: MANAGERS },
  { name: 'audit-logs.read', description: 'Read the audit log', defaultRoles: STAFF_ADMINS },
];
