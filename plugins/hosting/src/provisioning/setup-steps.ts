import { ProvisioningError, type DesiredResource, type HostingPlanLimits } from '@mpanel/sdk';
import { placeAccount } from '../placement.ts';
import { buildCall, loadAccount, loadCallParts, loadPlan, moduleOf, operationContext } from './account-call.ts';
import { hostingBillingRef } from './billing-port.ts';
import type { OpStep } from './guard.ts';
import { emitSucceeded } from './notify.ts';
import { appendSteps, loadOp, stepRecord, tenantDb, updateOpenOp } from './operation-store.ts';
import { setProgress } from './progress.ts';

const RESOURCE_TABLES: Record<string, string> = { site: 'websites', database: 'hosting_databases', sftpUser: 'sftp_users', cron: 'cron_jobs', mailDomain: 'mail_domains', mailbox: 'mailboxes', mailAlias: 'mail_aliases' };

/**
 * Placement of a new account (wt-hosting's placement rules, counting every tenant's accounts on a
 * server). No room is not a failed call but a state a person must resolve: needs_attention with
 * "no capacity in group X", at once (HOSTING.md §6.4, Paymenter#889).
 */
export async function placeStep(step: OpStep): Promise<{ serverId: string | null }> {
  const { s, op } = step;
  if (op.action !== 'create' || !op.account_id) return { serverId: op.server_id };
  return s.transaction(async (trx) => {
    const db = tenantDb(trx, s.tenantId);
    const account = await loadAccount(db, op.account_id!, true);
    if (!account) throw new ProvisioningError('The hosting account was removed before it was created', 'CONFLICT');
    await setProgress(db, account.id, { step: 2 });
    if (account.server_id) return { serverId: account.server_id };
    const plan = await loadPlan(db, account.plan_id);
    if (!plan?.server_group_id) throw new ProvisioningError(`Hosting plan ${account.plan_id} has no server group: pick one in the plan`, 'INVALID_INPUT');
    const placed = await placeAccount(db, plan.server_group_id, { limits: plan.limits } as never);
    if (!placed.ok) throw new ProvisioningError(placed.message, 'CAPACITY', { clientMessage: 'Your hosting is queued for setup; our staff have been notified.' });
    await db('hosting_accounts').where('hosting_accounts.id', account.id).update({ server_id: placed.serverId, updated_at: db.trx.fn.now() });
    await updateOpenOp(db, op.id, { server_id: placed.serverId });
    await appendSteps(db, op.id, [stepRecord('place', op.attempt + 1, { ok: true, response: { serverId: placed.serverId, groupId: placed.groupId } })]);
    return { serverId: placed.serverId };
  });
}

function desiredOf(kind: string, row: Record<string, unknown>, username: string, plan: HostingPlanLimits | undefined): DesiredResource | null {
  const state = row.state === 'suspended' ? 'suspended' : 'active';
  if (kind === 'site') {
    return {
      kind: 'site', id: String(row.id), domain: String(row.domain), aliases: (row.aliases as string[]) ?? [], docroot: String(row.docroot),
      // tls omitted: a setup step run again keeps the certificate the site has.
      php: row.php_version ? { version: String(row.php_version), maxChildren: plan?.phpMaxChildren ?? 2 } : null, forceHttps: row.redirect_https === true, state,
    };
  }
  if (kind === 'database') {
    return { kind: 'database', id: String(row.id), engine: row.engine === 'postgresql' ? 'postgresql' : 'mariadb', name: String(row.name), user: String(row.db_user), ...(row.max_connections ? { maxConnections: Number(row.max_connections) } : {}), state };
  }
  if (kind === 'cron') return { kind: 'cron', id: String(row.id), schedule: String(row.schedule), command: String(row.command), state };
  if (kind === 'sftpUser') {
    return { kind: 'sftpUser', id: String(row.id), username: String(row.username), ...(row.password_hash ? { passwordHash: String(row.password_hash) } : {}), authorizedKeys: (row.authorized_keys as string[]) ?? [], root: `/home/${username}`, state };
  }
  return null;
}

/** After a create: the account's websites and databases from the order, through the module's resources. */
export async function resourcesStep(step: OpStep): Promise<{ ensured: number }> {
  const { plugin, s, op } = step;
  if (op.action !== 'create' || !op.account_id) return { ensured: 0 };
  const loaded = await plugin.db.transaction(s.tenantId, async (trx) => {
    const db = tenantDb(trx, s.tenantId);
    await setProgress(db, op.account_id!, { step: 4 });
    const parts = await loadCallParts(plugin, db, op.account_id!);
    if ('missing' in parts) throw new ProvisioningError(`Cannot set up resources: ${parts.missing}`, 'CONFLICT');
    const rows: Array<{ kind: string; row: Record<string, unknown> }> = [];
    for (const [kind, table] of Object.entries(RESOURCE_TABLES)) {
      for (const row of (await db(table).where(`${table}.account_id`, op.account_id).whereIn(`${table}.state`, ['creating', 'active', 'suspended'])) as Array<Record<string, unknown>>) rows.push({ kind, row });
    }
    return { parts, rows };
  });
  const module = await moduleOf(plugin, s.tenantId, loaded.parts.server);
  if (!module.resources) return { ensured: 0 };
  const tries = op.attempt;
  const call = buildCall(plugin, loaded.parts, operationContext(op, tries, (name, data, keys) => void step.log.push(stepRecord(name, tries, data, keys)), s.signal), await plugin.settings.get(s.tenantId).catch(() => ({})));
  const done: Array<{ table: string; id: string; state: string }> = [];
  try {
    for (const { kind, row } of loaded.rows) {
      if (!module.capabilities.resources.includes(kind as never)) continue;
      const desired = desiredOf(kind, row, loaded.parts.account.username, call.plan);
      if (!desired) continue;
      const seen = await module.resources.ensure(call, desired);
      done.push({ table: RESOURCE_TABLES[kind]!, id: desired.id, state: seen.state ?? desired.state });
    }
  } finally {
    await s.transaction(async (trx) => {
      const db = tenantDb(trx, s.tenantId);
      await appendSteps(db, op.id, step.log.splice(0));
      for (const d of done) await db(d.table).where(`${d.table}.id`, d.id).update({ state: d.state, updated_at: db.trx.fn.now() });
    });
  }
  return { ensured: done.length };
}

/**
 * The operation succeeded: its row, the account's observed side, the resource's state, and for an
 * account that now really exists, billing's "pending setup" ends (`markActive`), in one transaction
 * with `provisioning.succeeded`.
 */
export async function finishStep(step: OpStep): Promise<{ status: 'succeeded' }> {
  const { plugin, s, op } = step;
  await s.transaction(async (trx) => {
    const db = tenantDb(trx, s.tenantId);
    const changed = await updateOpenOp(db, op.id, { status: 'succeeded', finished_at: new Date(), next_attempt_at: null, error_code: null, error_message: null, client_message: null, retryable: null });
    if (!changed) return;
    if (op.account_id && op.subject_type === 'account') {
      const account = await loadAccount(db, op.account_id);
      if (account && op.action !== 'terminate') {
        await setProgress(db, account.id, null);
        await db('hosting_accounts').where('hosting_accounts.id', account.id).update({ drift: JSON.stringify([]), updated_at: db.trx.fn.now() });
        const billing = plugin.services.tryResolve(hostingBillingRef)?.forTenant(trx, s.tenantId);
        if (account.desired_state !== 'terminated') await billing?.markActive(account.service_id);
      }
    }
    const table = RESOURCE_TABLES[op.subject_type];
    if (table && (op.action === 'resource.ensure' || op.action === 'resource.remove')) {
      const resource = (op.desired.resource ?? op.desired) as { state?: string; passwordSealed?: string };
      const state = op.action === 'resource.remove' ? 'removed' : resource.state === 'suspended' ? 'suspended' : 'active';
      await db(table).where(`${table}.id`, op.subject_id).update({ state, updated_at: db.trx.fn.now() });
      // A database password travels sealed until it is applied, and is not kept after.
      if (resource.passwordSealed) {
        const { passwordSealed: _applied, ...kept } = resource;
        await db('provisioning_operations').where('provisioning_operations.id', op.id).update({ desired: JSON.stringify({ ...op.desired, resource: kept }) });
      }
    }
    await emitSucceeded(plugin, trx, (await loadOp(db, op.id))!);
  });
  return { status: 'succeeded' };
}

