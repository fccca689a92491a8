import { ProvisioningError, type PluginContext, type DesiredResource, type ObservedAccount, type ProvisioningCall, type ProvisioningModule, type ProvisioningResult, type ResourceKind } from '@mpanel/sdk';
import { openDatabasePassword } from '../resources/database.ts';
import { openDkimKey } from '../resources/mail.ts';
import { buildCall, loadCallParts, moduleOf, operationContext, type AccountRow } from './account-call.ts';
import type { OpStep } from './guard.ts';
import { appendSteps, stepRecord, tenantDb, updateOpenOp } from './operation-store.ts';
import { setProgress } from './progress.ts';

/** Whether what the server has already is what the action wanted (after an ambiguous try). */
export function alreadyApplied(action: string, seen: ObservedAccount, call: ProvisioningCall): boolean {
  switch (action) {
    case 'create': return seen.exists;
    case 'suspend': return seen.exists && seen.status === 'suspended';
    case 'unsuspend': return seen.exists && seen.status === 'active';
    case 'terminate': return !seen.exists;
    case 'changePackage': return !!call.plan?.remotePackage && seen.packageName === call.plan.remotePackage;
    default: return false;
  }
}

/** Suspend/unsuspend/upgrade of an account whose create never ran (a newer intent superseded it): create it first. */
async function onExisting(module: ProvisioningModule, call: ProvisioningCall, fn: () => Promise<ProvisioningResult>): Promise<ProvisioningResult> {
  try {
    return await fn();
  } catch (err) {
    if ((err as ProvisioningError).code !== 'NOT_FOUND') throw err;
    await module.create(call);
    return fn();
  }
}

async function perform(plugin: PluginContext, module: ProvisioningModule, call: ProvisioningCall, action: string, account: AccountRow, desired: Record<string, unknown>): Promise<ProvisioningResult | undefined> {
  switch (action) {
    case 'create': return module.create(call);
    case 'suspend': return onExisting(module, call, () => module.suspend(call, account.suspend_reason ?? undefined));
    case 'unsuspend': return onExisting(module, call, () => module.unsuspend(call));
    case 'changePackage': return onExisting(module, call, () => module.changePackage(call));
    case 'terminate': return module.terminate(call);
    case 'resource.ensure':
    case 'resource.remove': {
      if (!module.resources) {
        call.operation.step('resources', { ok: true, response: { note: 'this server type manages no fine-grained resources' } });
        return undefined;
      }
      const resource = desiredResource(plugin, call.tenantId, desired);
      if (action === 'resource.ensure') await module.resources.ensure(call, resource);
      else await module.resources.remove(call, { kind: resource.kind, id: resource.id });
      return undefined;
    }
    default:
      throw new ProvisioningError(`Unknown provisioning action "${action}"`, 'UNSUPPORTED');
  }
}

/**
 * The resource of a `resource.*` operation (`desired.resource`, as the API queues it), with a
 * database password opened from its sealed form for the call only.
 */
export function desiredResource(plugin: PluginContext, tenantId: string, desired: Record<string, unknown>): DesiredResource {
  const { passwordSealed, ...resource } = (desired.resource ?? desired) as Record<string, unknown> & { kind: ResourceKind; id: string };
  if (resource.kind === 'database' && typeof passwordSealed === 'string') {
    return { ...resource, password: openDatabasePassword(plugin, tenantId, resource.id, passwordSealed) } as unknown as DesiredResource;
  }
  // A mail domain's DKIM private key: sealed in the operation, opened for the call only.
  const dkim = resource.dkim as { selector: string; privateKeySealed?: string } | null | undefined;
  if (resource.kind === 'mailDomain' && dkim?.privateKeySealed) {
    return { ...resource, dkim: { selector: dkim.selector, privateKeyPem: openDkimKey(plugin, tenantId, resource.id, dkim.privateKeySealed) } } as unknown as DesiredResource;
  }
  return resource as unknown as DesiredResource;
}

const OBSERVED_AFTER: Record<string, string> = { create: 'active', unsuspend: 'active', suspend: 'suspended', terminate: 'missing' };

/**
 * The module call of an operation, outside any transaction. A try after an ambiguous outcome (a
 * timeout after sending, a worker that died mid-call) observes first, and when the server already
 * has what was asked, nothing is sent again: no "already exists".
 */
export async function applyOperation(step: OpStep): Promise<{ outcome: 'applied' | 'already-applied' | 'nothing-to-do' }> {
  const { plugin, s, op } = step;
  const tries = op.attempt + 1;
  // plugin.db.transaction also loads the tenant's plugin states, which the module lookup just after reads.
  const prepared = await plugin.db.transaction(s.tenantId, async (trx) => {
    const db = tenantDb(trx, s.tenantId);
    await updateOpenOp(db, op.id, { attempt: tries });
    if (op.action === 'create' && op.account_id) await setProgress(db, op.account_id, { step: 3 });
    return op.account_id ? loadCallParts(plugin, db, op.account_id) : { missing: 'the operation has no hosting account' };
  });
  if ('missing' in prepared) {
    if (op.action === 'terminate') return { outcome: 'nothing-to-do' };
    throw new ProvisioningError(`Cannot ${op.action}: ${prepared.missing}`, 'CONFLICT');
  }
  const module = await moduleOf(plugin, s.tenantId, prepared.server);
  const record = (name: string, data: Parameters<ProvisioningCall['operation']['step']>[1], redactKeys?: string[]) => void step.log.push(stepRecord(name, tries, data, redactKeys));
  const call = buildCall(plugin, prepared, operationContext(op, tries, record, s.signal), await plugin.settings.get(s.tenantId).catch(() => ({})));
  let outcome: 'applied' | 'already-applied' = 'applied';
  let result: ProvisioningResult | undefined;
  const started = Date.now();
  if (op.ambiguous || step.interrupted) {
    const seen = await module.observe(call);
    const done = alreadyApplied(op.action, seen, call);
    record('observe before retry', { ok: true, ms: Date.now() - started, response: { exists: seen.exists, status: seen.status, alreadyApplied: done } });
    if (done) outcome = 'already-applied';
  }
  if (outcome === 'applied') result = await perform(plugin, module, call, op.action, prepared.account, op.desired);
  record(op.action, { ok: true, ms: Date.now() - started, ...(result?.message ? { detail: result.message } : {}) });
  await s.transaction(async (trx) => {
    const db = tenantDb(trx, s.tenantId);
    await appendSteps(db, op.id, step.log.splice(0));
    const observed = OBSERVED_AFTER[op.action];
    if (observed && op.account_id) {
      await db('hosting_accounts').where('hosting_accounts.id', op.account_id).update({
        observed_state: observed, observed_at: new Date(), updated_at: db.trx.fn.now(),
        ...(result?.remote ? { remote: JSON.stringify({ ...(prepared.account.remote ?? {}), ...result.remote }) } : {}),
      });
    }
  });
  return { outcome };
}
