import { randomUUID } from 'node:crypto';
import type { ObservedAccount, PluginContext, RemoteAccount, TenantDb } from '@mpanel/sdk';
import { requestOperation } from '../operations/request.ts';
import { buildCall, loadCallParts, loadServer, moduleOf, operationContext, serverOf, type AccountRow } from './account-call.ts';
import { classify } from './failures.ts';
import { tenantDb } from './operation-store.ts';
import { startOperation } from './start.ts';

export interface DriftItem { field: string; desired: unknown; observed: unknown; note?: string; fix?: string }

/**
 * Which drift the scheduled reconcile repairs by itself, and which it only reports: an account that
 * should be suspended but is not is suspended again (billing must never say suspended while the
 * site serves); one that vanished or should be gone waits for a person (re-creating or deleting
 * data is a decision). "Verify & repair" repairs everything.
 */
export const AUTO_REPAIR: Record<string, boolean> = { suspend: true, unsuspend: true, create: false, terminate: false };

/** Billing's intent against what the server reported: what differs, and the action that fixes it. */
export function driftOf(account: Pick<AccountRow, 'desired_state'>, seen: ObservedAccount, plan?: { remotePackage?: string | null }): DriftItem[] {
  const drift: DriftItem[] = [];
  const want = account.desired_state;
  if (want === 'terminated') {
    if (seen.exists) drift.push({ field: 'exists', desired: false, observed: true, note: 'terminated in billing but still on the server', fix: 'terminate' });
    return drift;
  }
  if (!seen.exists) return [{ field: 'exists', desired: true, observed: false, note: 'missing on the server', fix: 'create' }];
  if (seen.status && seen.status !== want) drift.push({ field: 'status', desired: want, observed: seen.status, note: `${seen.status} on the server, ${want} in billing`, fix: want === 'suspended' ? 'suspend' : 'unsuspend' });
  if (plan?.remotePackage && seen.packageName && seen.packageName !== plan.remotePackage) drift.push({ field: 'package', desired: plan.remotePackage, observed: seen.packageName, note: 'package differs on the server' });
  return drift;
}

export interface AccountCheck {
  accountId: string;
  observed: 'active' | 'suspended' | 'missing' | null;
  drift: DriftItem[];
  repairs: string[];
  error?: string;
}

/**
 * Observes one account (outside any transaction), stores what was seen and the drift on the
 * account, and queues the repairs the policy allows (or all of them with `repairAll`).
 * Backs the scheduled reconcile and `POST /hosting-accounts/:id/verify`.
 */
export async function checkAccount(plugin: PluginContext, tenantId: string, accountId: string, repairAll: boolean): Promise<AccountCheck> {
  const loaded = await plugin.db.transaction(tenantId, async (trx) => {
    const parts = await loadCallParts(plugin, tenantDb(trx, tenantId), accountId);
    return parts;
  });
  if ('missing' in loaded) return { accountId, observed: null, drift: [], repairs: [], error: loaded.missing };
  const parts = loaded;
  const module = await moduleOf(plugin, tenantId, parts.server).catch((err: unknown) => ({ failed: classify(err).message }));
  if ('failed' in module) return { accountId, observed: null, drift: [], repairs: [], error: module.failed };
  const id = randomUUID();
  const settings = await plugin.settings.get(tenantId).catch(() => ({}));
  let seen: ObservedAccount;
  let call: ReturnType<typeof buildCall>;
  try {
    call = buildCall(plugin, parts, operationContext({ id, action: 'reconcile', idempotency_key: `reconcile:${id}` }, 1, () => undefined), settings);
    seen = await module.observe(call);
  } catch (err) {
    return { accountId, observed: null, drift: [], repairs: [], error: classify(err).message };
  }
  const drift = driftOf(parts.account, seen, call.plan);
  const observed = seen.exists ? (seen.status ?? 'active') : 'missing';
  const repairs = drift.map((d) => d.fix).filter((fix): fix is string => !!fix && (repairAll || AUTO_REPAIR[fix] === true));
  await plugin.db.transaction(tenantId, async (trx) => {
    const db = tenantDb(trx, tenantId);
    await db('hosting_accounts').where('hosting_accounts.id', accountId).update({ observed_state: observed, observed_at: new Date(), drift: JSON.stringify(drift), updated_at: trx.fn.now() });
    for (const action of repairs) await queueRepair(db, parts.account, action, id);
  });
  return { accountId, observed, drift, repairs };
}

async function queueRepair(db: TenantDb, account: AccountRow, action: string, checkId: string): Promise<void> {
  const op = await requestOperation(db, {
    subjectType: 'account', subjectId: account.id, accountId: account.id, action, desired: { desiredState: account.desired_state, repair: true },
    triggeredBy: 'system:reconcile', idempotencyKey: `${account.service_id}:${action}:reconcile:${checkId}`,
  });
  await startOperation(db, op.id);
}

export interface ServerCheck {
  serverId: string;
  accounts: AccountCheck[];
  /** Accounts the server has that no hosting account of this tenant knows: offered for import. */
  importable: RemoteAccount[];
  /** The reverse: accounts mPanel has on this server that the server does not (usernames). */
  missing: string[];
  error?: string;
}

/** Every account of a server, then the server's own list for accounts nobody knows. */
export async function checkServer(plugin: PluginContext, tenantId: string, serverId: string, repairAll: boolean): Promise<ServerCheck> {
  const { server, accounts } = await plugin.db.transaction(tenantId, async (trx) => {
    const db = tenantDb(trx, tenantId);
    return {
      server: await loadServer(db, serverId),
      accounts: (await db('hosting_accounts').where('hosting_accounts.server_id', serverId)
        .where((q) => q.whereNot('desired_state', 'terminated').orWhereNot('observed_state', 'missing').orWhereNull('observed_state'))
        .select('id', 'username')) as Array<{ id: string; username: string }>,
    };
  });
  if (!server) return { serverId, accounts: [], importable: [], missing: [], error: 'server not found' };
  const checks: AccountCheck[] = [];
  for (const a of accounts) checks.push(await checkAccount(plugin, tenantId, a.id, repairAll));
  let importable: RemoteAccount[] = [];
  const usernameOf = new Map(accounts.map((a) => [a.id, a.username]));
  const missing = checks.filter((c) => c.observed === 'missing').map((c) => usernameOf.get(c.accountId)!);
  try {
    const module = await moduleOf(plugin, tenantId, server);
    if (module.listAccounts && module.capabilities.listAccounts) {
      const known = new Set(accounts.map((a) => a.username));
      importable = (await module.listAccounts({ tenantId, settings: await plugin.settings.get(tenantId).catch(() => ({})), server: serverOf(plugin, server) })).filter((r) => !known.has(r.username));
    }
  } catch (err) {
    return { serverId, accounts: checks, importable, missing, error: classify(err).message };
  }
  return { serverId, accounts: checks, importable, missing };
}
