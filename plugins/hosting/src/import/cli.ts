import { CliUsageError, HttpError, createTenantDb, type CliArgs, type CliIo, type PluginContext } from '@mpanel/sdk';
import { loadServer } from '../provisioning/account-call.ts';
import { checkedOptions } from './options.ts';
import { runImport } from './run.ts';
import type { ImportRow } from './store.ts';

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * `mpanel hosting:import --server ID --product ID --next-due YYYY-MM-DD [--plan ID] [--cycle monthly]
 * [--country DE] [--no-create-clients] [--tenant slug]`: the same import as the admin screen, run
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
  if (!body.nextDueDate || !/^\d{4}-\d{2}-\d{2}$/.test(String(body.nextDueDate))) throw new CliUsageError('--next-due <YYYY-MM-DD> is required');
  const bar = io.progress();
  let ran: { counts: { imported: number; matched: number; created: number; skipped: number }; status: string; error: string | null } | undefined;
  const slug = str(args.tenant);
  await plugin.forEachTenant(async (tenant) => {
    if (ran) return;
    const queued = await tenant.transaction(async (trx) => {
      const db = createTenantDb(trx, tenant.id);
      if (!(await loadServer(db, serverId))) return undefined;
      let options;
      try {
        options = await checkedOptions(plugin, db, body);
      } catch (err) {
        if (err instanceof HttpError) throw new CliUsageError(`${err.message}: ${JSON.stringify(err.details ?? {})}`);
        throw err;
      }
      const [row] = await db.insert<ImportRow>('hosting_imports', { server_id: serverId, options: JSON.stringify(options), started_by: 'cli' });
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
    ],
    run: (args, io) => importCommand(plugin, args, io),
  });
}
