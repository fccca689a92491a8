import {
  extensionPoints,
  ProvisioningError,
  type HostingPlanLimits,
  type OperationContext,
  type PluginContext,
  type ProvisioningAction,
  type ProvisioningCall,
  type ProvisioningModule,
  type ProvisioningServer,
  type TenantDb,
} from '@mpanel/sdk';
import { openCredentials } from '../servers/credentials.ts';
import { hostingBillingRef } from './billing-port.ts';

/** The rows a call is built from (snake_case, as the tables have them). */
export interface AccountRow {
  id: string; tenant_id: string; service_id: string; client_id: string; server_id: string | null; plan_id: string; username: string;
  domain: string | null; desired_state: 'active' | 'suspended' | 'terminated'; suspend_reason: string | null;
  observed_state: string | null; remote: Record<string, unknown> | null; setup_progress: unknown;
}
export interface ServerRow {
  id: string; tenant_id: string; name: string; hostname: string; module: string; address: string | null; port: number | null;
  status: string; credentials: string | null; facts: Record<string, unknown> | null; group_id: string | null;
}
export interface PlanRow { id: string; limits: HostingPlanLimits; remote_package: string | null; server_group_id: string | null; suspension_policy: Record<string, unknown> | null }

export async function loadAccount(db: TenantDb, id: string, lock = false): Promise<AccountRow | undefined> {
  const q = db('hosting_accounts').where('hosting_accounts.id', id);
  if (lock) q.forUpdate();
  return (await q.first()) as AccountRow | undefined;
}

export const loadServer = async (db: TenantDb, id: string) => (await db('servers').where('servers.id', id).first()) as ServerRow | undefined;
export const loadPlan = async (db: TenantDb, id: string) => (await db('hosting_plans').where('hosting_plans.id', id).first()) as PlanRow | undefined;

/** Everything one module call needs, read in one transaction before the call (which runs outside it). */
export interface CallParts {
  account: AccountRow;
  server: ServerRow;
  plan: PlanRow | undefined;
  packageConfig: Record<string, unknown>;
}

export async function loadCallParts(plugin: PluginContext, db: TenantDb, accountId: string): Promise<CallParts | { missing: string }> {
  const account = await loadAccount(db, accountId);
  if (!account) return { missing: 'the hosting account no longer exists' };
  if (!account.server_id) return { missing: 'the account is not placed on a server yet' };
  const server = await loadServer(db, account.server_id);
  if (!server) return { missing: `server ${account.server_id} is not visible to this tenant` };
  const plan = await loadPlan(db, account.plan_id);
  const billing = plugin.services.tryResolve(hostingBillingRef)?.forTenant(db.trx, db.tenantId);
  const service = await billing?.get(account.service_id);
  return { account, server, plan, packageConfig: service?.provisioning?.config ?? {} };
}

function credentialsOf(plugin: PluginContext, server: ServerRow): Record<string, string> {
  try {
    return openCredentials(plugin, { id: server.id, tenantId: server.tenant_id, credentials: server.credentials });
  } catch {
    throw new ProvisioningError(`The stored credentials of server ${server.hostname} cannot be opened (encryption key rotated away?): set them again`, 'AUTH');
  }
}

/**
 * The server's module. Looked up in a transaction of its own: opening one loads the tenant's plugin
 * states, which the lookup reads from a cache of seconds and fails closed without (a slow machine
 * must not make a module look disabled).
 */
export async function moduleOf(plugin: PluginContext, tenantId: string, server: ServerRow): Promise<ProvisioningModule> {
  const module = await plugin.db.transaction(tenantId, async () => plugin.extensions.get(extensionPoints.provisioning, server.module));
  if (!module) throw new ProvisioningError(`No provisioning module "${server.module}" is active for server ${server.hostname}: enable the plugin that provides it`, 'UNSUPPORTED');
  return module;
}

export function serverOf(plugin: PluginContext, server: ServerRow): ProvisioningServer {
  return {
    id: server.id, tenantId: server.tenant_id, name: server.name, hostname: server.hostname,
    ...(server.address ? { ipAddress: server.address } : {}), ...(server.port ? { port: server.port } : {}),
    credentials: credentialsOf(plugin, server), facts: server.facts ?? {},
  };
}

export function buildCall(plugin: PluginContext, parts: CallParts, operation: OperationContext, settings: Record<string, unknown>): ProvisioningCall {
  const { account, server, plan } = parts;
  return {
    tenantId: account.tenant_id, settings,
    server: serverOf(plugin, server),
    account: {
      serviceId: account.service_id, clientId: account.client_id, accountId: account.id, username: account.username,
      ...(account.domain ? { domain: account.domain } : {}),
      packageConfig: parts.packageConfig, remote: account.remote ?? {},
    },
    ...(plan ? { plan: { ...plan.limits, remotePackage: plan.remote_package ?? plan.limits.remotePackage ?? null } } : {}),
    operation,
  };
}

/** The operation context a module gets: steps go to `sink` (flushed to the operation's row). */
export function operationContext(op: { id: string; action: string; idempotency_key: string }, attempt: number, record: OperationContext['step'], signal?: AbortSignal): OperationContext {
  return {
    id: op.id, action: op.action as ProvisioningAction, attempt, idempotencyKey: op.idempotency_key,
    deadline: new Date(Date.now() + 120_000), ...(signal ? { signal } : {}), step: record,
  };
}
