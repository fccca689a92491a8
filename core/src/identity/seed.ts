import type { RootContainer } from '../container.ts';
import { withTenant } from '../tenancy/with-tenant.ts';
import { DEFAULT_TENANT_SLUG } from '../tenancy/tenant-resolver.ts';
import { randomToken } from './auth/secrets.ts';
import { createUser } from './users/user-accounts.ts';

export const DEFAULT_ADMIN_EMAIL = 'admin@mpanel.local';

/**
 * First start (idempotent): tenant `default` and, when no super admin exists yet, one from
 * MPANEL_ADMIN_EMAIL / MPANEL_ADMIN_PASSWORD, or with a generated password printed once.
 * Answers the `default` tenant's id, which identifies the installation.
 */
export async function seedFirstStart(container: RootContainer): Promise<string> {
  const { knex, appKnex, config, startupNotes, logger } = container.cradle;
  await knex('tenants').insert({ name: 'Default', slug: DEFAULT_TENANT_SLUG, is_reseller: true }).onConflict('slug').ignore();
  const tenant = (await knex('tenants').where({ slug: DEFAULT_TENANT_SLUG }).first()) as { id: string };

  const existing = await knex('user_roles as ur').join('roles as r', 'r.id', 'ur.role_id').where('r.name', 'super_admin').whereNull('r.tenant_id').first('ur.user_id');
  if (existing) return tenant.id;

  const email = config.adminEmail ?? DEFAULT_ADMIN_EMAIL;
  const generated = config.adminPassword === undefined;
  const password = config.adminPassword ?? randomToken(18);
  await withTenant(appKnex, tenant.id, (db) => createUser(db, { email, password, name: 'Administrator', roles: ['super_admin'] }));
  // The port is known only once the server listens: `start` fills in {url}.
  const url = '{url}';
  logger.info({ email }, 'created the first super admin');
  startupNotes.push(
    generated
      ? `Log in at ${url}/admin as ${email} with password ${password} (shown only this once; change it after logging in)`
      : `Log in at ${url}/admin as ${email} with the password from MPANEL_ADMIN_PASSWORD`,
  );
  return tenant.id;
}
