import type { Command } from 'commander';
import { migrateUp } from '../../db/migrator.ts';
import { CORE_MIGRATIONS } from '../../platform.ts';
import { withTenant } from '../../tenancy/with-tenant.ts';
import { DEFAULT_TENANT_SLUG } from '../../tenancy/tenant-resolver.ts';
import { createUser } from '../../identity/users/user-accounts.ts';
import { cliConfig, withDatabase } from '../context.ts';

/** `mpanel admin:create --email --password [--tenant slug] [--role super_admin]`: a way back in. */
export function adminCreateCommand(program: Command): void {
  program
    .command('admin:create')
    .description('create an administrator (default: a super_admin in tenant "default")')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--password <password>', 'password (10-128 characters, not a common one)')
    .option('--tenant <slug>', 'tenant slug', 'default')
    .option('--role <role>', 'role to grant', 'super_admin')
    .action(async (opts: { email: string; password: string; tenant: string; role: string }) => {
      const config = cliConfig();
      await withDatabase(config, async (db) => {
        await migrateUp(db.knex, [CORE_MIGRATIONS]);
        if (opts.tenant === DEFAULT_TENANT_SLUG) await db.knex('tenants').insert({ name: 'Default', slug: DEFAULT_TENANT_SLUG, is_reseller: true }).onConflict('slug').ignore();
        const tenant = (await db.knex('tenants').where({ slug: opts.tenant }).first()) as { id: string } | undefined;
        if (!tenant) program.error(`admin:create: no tenant with slug "${opts.tenant}""`);
        try {
          const user = await withTenant(db.appKnex, tenant!.id, (tdb) => createUser(tdb, { email: opts.email, password: opts.password, roles: [opts.role] }));
          process.stdout.write(`Created ${opts.role} ${user.email} in tenant ${opts.tenant}\n`);
        } catch (err) {
          const details = (err as { details?: Record<string, string> }).details;
          program.error(`admin:create: ${(err as Error).message}${details ? ` (${Object.entries(details).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
        }
      });
    });
}
