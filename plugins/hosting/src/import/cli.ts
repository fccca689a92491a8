import { CliUsageError, HttpError, createTenantDb, type CliArgs, type CliIo, type PluginContext } from '@mpanel/sdk';
import { loadServer } from '../provisioning/account-call.ts';
import { checkedOptions } from './options.ts';
import { runImport } from './run.ts';
import { IMPORT_PERMISSION } from './routes.ts';
import { PERMISSIONS } from '../manifest.ts';
import type { ImportRow } from './store.ts';

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * Whether the tenant's staff user with this e-mail may import: an active user (not a client's)
 * with a role that grants `hosting-imports.run`, read as the API reads it (the top system role
 * holds everything, other system roles the permission's default roles, custom roles their own
 * grants). Undefined when there is no such user.
 */
async function mayImport(db: ReturnType<typeof createTenantDb>, email: string): Promise<{ id: string; allowed: boolean } | undefined> {
  const user = (await db('users').whereRaw('lower(users.email) = lower(?)', [email]).where('users.status', 'active').whereNull('users.client_id').first('id')) as { id: string } | undefined;
  if (!user) return undefined;
  const roles = (await db.trx('user_roles').join('roles', 'roles.id', 'user_roles.role_id').where('user_roles.user_id', user.id)
    .select('roles.id', 'roles.name', 'roles.level', 'roles.is_system')) as Array<{ id: string; name: string; level: number; is_system: boolean }>;
  const defaults = PERMISSIONS.find((p) => p.name === IMPORT_PERMISSION)?.defaultRoles ?? [];
  for (const role of roles) {
    if (role.is_system && (role.level === 0 || defaults.includes(role.name))) return { id: user.id, allowed: true };
    if (!role.is_system && (await db.trx('role_permissions').where({ role_id: role.id, permission: IMPORT_PERMISSION }).first('role_id'))) return { id: user.id, allowed: true };
  }
  return { id: user.id, allowed: false };
}

/**
 * `mpanel hosting:import --server ID --product ID --next-due YYYY-MM-DD [--plan ID] [--cycle monthly]
 * [--country DE] [--no-create-clients] [--tenant slug] --as staff@example.com`: the same import as the admin screen, run
 * here with a progress bar. Safe to repeat: accounts already imported are skipped.
 */
export async function importCommand(plugin: PluginContext, args: CliArgs, io: CliIo): Promise<number> {
  const serverId = str(args.server);
  if (!serverId || !/^[0-9a-f-]{36}$/i.test(serverId)) throw new CliUsageError('--server <id> is required (the server\'s id, a UUID)');
  const body: Record<string, unknown> = {
    productId: str(args.product), nextDueDate: str(args.nextDue), cycle: str(args.cycle) ?? 'monthly',
    createMissingClients: args.createClients !== false, ...(str(args.plan) ? { planId: str(args.plan) } : {}), ...(str(args.country) ? { country: str(args.country) } : {}),
  };
  if (!body.productId) throw new CliUsageError('--product <id> is required');
  const as = str(args.as);
  if (!as) throw new CliUsageError(`--as <email> is required (a staff user holding ${IMPORT_PERMISSION}, recorded as who started the import)`);
  if (!body.nextDueDate || !/^\d{4}-\d{2}-\d{2}$/.test(String(body.nextDueDate))) throw new CliUsageError('--next-due <YYYY-MM-DD> is required');
  const bar = io.progress();
  let ran: { counts: { imported: number; matched: number; created: number; skipped: number }; status: string; error: string | null } | undefined;
  const slug = str(args.tenant);
  await plugin.forEachTenant(async (tenant) => {
    if (ran) return;
    const queued = await tenant.transaction(async (trx) => {
      const db = createTenantDb(trx, tenant.id);
      if (!(await loadServer(db, serverId))) return undefined;
      const who = await mayImport(db, as);
      if (!who) throw new CliUsageError(`no active staff user ${as} in tenant "${tenant.slug}"`);
      if (!who.allowed) throw new CliUsageError(`${as} may not import: the permission ${IMPORT_PERMISSION} is missing (403)`);
      let options;
      try {
        options = await checkedOptions(plugin, db, body);
      } catch (err) {
        if (err instanceof HttpError) throw new CliUsageError(`${err.message}: ${JSON.stringify(err.details ?? {})}`);
        throw err;
      }
      const [row] = await db.insert<ImportRow>('hosting_imports', { server_id: serverId, options: JSON.stringify(options), started_by: `cli:user:${who.id}` });
      return row!;
    });
    if (!queued) return;
    bar.start(1, 'listing accounts on the server');
    const view = await runImport(plugin, tenant.id, queued.id, (v) => bar.update(v.progress.processed, Math.max(v.progress.total, 1), `${v.counts.imported} imported, ${v.counts.skipped} skipped`));
    bar.stop();
    ran = view;
  }, slug ? { slug } : {});
  if (!ran) throw new CliUsageError(`no server ${serverId}${slug ? ` in tenant "${slug}"` : ''}`);
  const done = ran as NonNullable<typeof ran>;
  if (done.status === 'failed') {
    io.warn(`Import failed: ${done.error ?? 'unknown error'}`);
    return 2;
  }
  io.print(`Imported ${done.counts.imported} (${done.counts.matched} onto existing clients, ${done.counts.created} with new clients), skipped ${done.counts.skipped}`);
  return 0;
}

export function registerImportCli(plugin: PluginContext): void {
  plugin.cli.command({
    name: 'hosting:import',
    description: "import a server's existing accounts as services (no mail, no provisioning); safe to repeat",
    options: [
      { flags: '--server <id>', description: 'the server to import from' },
      { flags: '--product <id>', description: 'the product the imported services get' },
      { flags: '--next-due <YYYY-MM-DD>', description: 'first date billing invoices them' },
      { flags: '--plan <id>', description: "hosting plan (default: the product's)" },
      { flags: '--cycle <cycle>', description: 'billing cycle (default monthly)' },
      { flags: '--country <CC>', description: 'country of the clients the import creates' },
      { flags: '--no-create-clients', description: 'skip accounts with no matching client instead of creating one' },
      { flags: '--tenant <slug>', description: 'only look for the server in this tenant' },
      { flags: '--as <email>', description: `the staff user the import runs as (needs ${IMPORT_PERMISSION})` },
    ],
    run: (args, io) => importCommand(plugin, args, io),
  });
}
