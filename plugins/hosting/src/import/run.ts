import { createTenantDb, type PluginContext, type RemoteAccount, type TenantDb } from '@mpanel/sdk';
import { HostingAccount } from '../models/index.ts';
import type { HostingBilling } from '../provisioning/billing-port.ts';
import { billingOf } from './options.ts';
import { classify } from '../provisioning/failures.ts';
import { tenantDb } from '../provisioning/operation-store.ts';
import { domainProblem } from '../resources/domains.ts';
import { knownUsernames, propose, type ImportMapping } from './matching.ts';
import { remoteAccounts } from './remote.ts';
import { importView, loadImport, type ImportOptions, type ImportRow, type ImportView, type ReportItem } from './store.ts';

/** Accounts written per transaction: progress moves in steps this size, a failure loses at most one batch. */
const BATCH = 25;
export const IMPORT_PROGRESS_EVENT = 'hosting:import.progress';

const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; nativeError?: { code?: string } };
  return (e.code ?? e.nativeError?.code) === '23505';
};

/** One account: client (matched or made), service, hosting account; no operation, no mail. */
async function importOne(db: TenantDb, billingAt: (db: TenantDb) => HostingBilling, remote: RemoteAccount, opts: ImportOptions, ctx: { serverId: string; hostname: string; known: Set<string>; mapping?: ImportMapping }): Promise<ReportItem> {
  const proposal = await propose(db, billingAt(db), remote, { known: ctx.known, createMissingClients: opts.createMissingClients, ...(ctx.mapping ? { mapping: ctx.mapping } : {}) });
  if (proposal.action === 'skip' || proposal.action === 'none') return { username: remote.username, outcome: 'skipped', reason: proposal.reason };
  try {
    // A savepoint per account: one that fails (a price missing in the client's currency) leaves the batch going.
    return await db.trx.transaction(async (sp) => {
      const sdb = createTenantDb(sp, db.tenantId);
      const spBilling = billingAt(sdb);
      let clientId: string;
      let clientCreated = false;
      if (proposal.action === 'create') {
        const client = await spBilling.importClient({ email: proposal.email, firstName: remote.username, lastName: `(imported from ${ctx.hostname})`, country: opts.country });
        clientId = client.id;
        clientCreated = client.created;
      } else {
        clientId = proposal.clientId;
      }
      const domain = remote.domain && !domainProblem(remote.domain) ? remote.domain.toLowerCase() : null;
      const status = remote.status === 'suspended' ? 'suspended' : 'active';
      const service = await spBilling.importService({ clientId, productId: opts.productId, cycle: opts.cycle, nextDueDate: opts.nextDueDate, status, domain });
      const account = await HostingAccount.insertFor(sdb, {
        serviceId: service.id, clientId, serverId: ctx.serverId, planId: opts.planId, username: remote.username, domain,
        desiredState: status, observedState: status, observedAt: new Date(), setupProgress: null,
        remote: { imported: true, ...(remote.packageName ? { package: remote.packageName } : {}) },
      });
      ctx.known.add(remote.username);
      return {
        username: remote.username, outcome: 'imported', clientId, clientCreated, serviceId: service.id, accountId: account.id,
        ...(proposal.action === 'match' ? { matchedBy: proposal.by } : {}),
      } satisfies ReportItem;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return { username: remote.username, outcome: 'skipped', reason: 'already in mPanel' };
    return { username: remote.username, outcome: 'skipped', reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Runs an import: lists the server's accounts (outside any transaction), then imports them in
 * batches, saving counts and the report after each so the screen and the CLI show progress.
 * Safe to run again: accounts already in mPanel (server + username) are skipped.
 */
export async function runImport(plugin: PluginContext, tenantId: string, importId: string, onProgress?: (view: ImportView) => void): Promise<ImportView> {
  const tx = <R>(fn: (db: TenantDb) => Promise<R>) => plugin.db.transaction(tenantId, (trx) => fn(tenantDb(trx, tenantId)));
  const started = await tx(async (db) => {
    const row = await loadImport(db, importId);
    if (!row || row.status === 'succeeded' || row.status === 'failed') return row;
    await db('hosting_imports').where('hosting_imports.id', importId).update({ status: 'running', updated_at: db.trx.fn.now() });
    return { ...row, status: 'running' as const };
  });
  if (!started) throw new Error(`import ${importId} not found`);
  if (started.status !== 'running') return importView(started);
  const publish = (row: ImportRow) => {
    const view = importView(row);
    onProgress?.(view);
    plugin.realtime.toPermission(tenantId, 'servers.read').emit(IMPORT_PROGRESS_EVENT, { id: view.id, serverId: view.serverId, status: view.status, progress: view.progress, counts: view.counts });
    return view;
  };
  let accounts: RemoteAccount[];
  let hostname: string;
  try {
    const listed = await remoteAccounts(plugin, tenantId, started.server_id);
    hostname = listed.server.hostname;
    const only = started.options.usernames?.length ? new Set(started.options.usernames) : null;
    accounts = only ? listed.accounts.filter((a) => only.has(a.username)) : listed.accounts;
  } catch (err) {
    const row = await tx(async (db) => {
      await db('hosting_imports').where('hosting_imports.id', importId).update({ status: 'failed', error: classify(err).message, finished_at: new Date(), updated_at: db.trx.fn.now() });
      return (await loadImport(db, importId))!;
    });
    return publish(row);
  }
  const mappings = new Map(started.options.mappings.map((m) => [m.username, m]));
  publish((await tx(async (db) => {
    await db('hosting_imports').where('hosting_imports.id', importId).update({ total: accounts.length, updated_at: db.trx.fn.now() });
    return (await loadImport(db, importId))!;
  })));
  for (let i = 0; i < accounts.length; i += BATCH) {
    const row = await tx(async (db) => {
      // Billing bound to each account's savepoint: its writes are undone with the account's when that fails.
      const billingAt = (at: TenantDb) => billingOf(plugin, at);
      const known = await knownUsernames(db, started.server_id);
      const items: ReportItem[] = [];
      for (const remote of accounts.slice(i, i + BATCH)) {
        const mapping = mappings.get(remote.username);
        items.push(await importOne(db, billingAt, remote, started.options, { serverId: started.server_id, hostname, known, ...(mapping ? { mapping } : {}) }));
      }
      const imported = items.filter((x) => x.outcome === 'imported');
      const created = imported.filter((x) => x.clientCreated).length;
      await db('hosting_imports').where('hosting_imports.id', importId).update({
        processed: db.trx.raw('processed + ?', [items.length]), imported: db.trx.raw('imported + ?', [imported.length]),
        created: db.trx.raw('created + ?', [created]), matched: db.trx.raw('matched + ?', [imported.length - created]),
        skipped: db.trx.raw('skipped + ?', [items.length - imported.length]),
        report: db.trx.raw('report || ?::jsonb', [JSON.stringify(items)]), updated_at: db.trx.fn.now(),
      });
      return (await loadImport(db, importId))!;
    });
    publish(row);
  }
  return publish(await tx(async (db) => {
    await db('hosting_imports').where('hosting_imports.id', importId).update({ status: 'succeeded', finished_at: new Date(), updated_at: db.trx.fn.now() });
    return (await loadImport(db, importId))!;
  }));
}
