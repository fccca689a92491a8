import type { HostingAccount, HostingPlan, Server, ServerGroup, ServerGroupGrant, ProvisioningOperation } from './models/index.ts';

/**
 * API shapes. Objection's `toJSON()` gives camelCase properties; these drop what must not leave
 * (sealed credentials, tenant ids) and add what the screens need.
 */
function plain<T extends object>(model: { toJSON(): object }): T {
  const { tenantId: _tenant, ...rest } = model.toJSON() as Record<string, unknown>;
  return rest as T;
}

export function toServerGroup(group: ServerGroup) {
  return plain<Record<string, unknown>>(group);
}

/** Credentials are write-only: the API says whether some are set, never what they are. */
export function toServer(server: Server, load?: { accounts: number; allocatedDiskMb: number }) {
  const { credentials: _sealed, ...rest } = plain<Record<string, unknown>>(server);
  return { ...rest, hasCredentials: Boolean(server.credentials), ...(load ? { load } : {}) };
}

export function toGrant(grant: ServerGroupGrant, usage?: { accounts: number; diskMb: number }) {
  const { tenantId, ...rest } = grant.toJSON() as Record<string, unknown>;
  return { ...rest, parentTenantId: tenantId, maxDiskMb: grant.maxDiskMb === null ? null : Number(grant.maxDiskMb), ...(usage ? { usage } : {}) };
}

export function toPlan(plan: HostingPlan) {
  return plain<Record<string, unknown>>(plan);
}

/**
 * An account with billing's intent next to what the server has: `desiredState` (intent, from the
 * service), `observedState` (last observation), `drift` (what differs) and `inSync`.
 */
export function toAccount(account: HostingAccount, extra: { serviceStatus?: string | null } = {}) {
  const out = plain<Record<string, unknown>>(account);
  const observed = account.observedState;
  const inSync = observed !== null && account.drift.length === 0 && (account.desiredState === 'terminated' ? observed === 'missing' : observed === account.desiredState);
  return {
    ...out,
    intent: { state: account.desiredState, serviceStatus: extra.serviceStatus ?? null, suspendReason: account.suspendReason },
    observed: { state: observed, at: account.observedAt },
    inSync,
  };
}

export function toOperation(op: ProvisioningOperation) {
  return plain<Record<string, unknown>>(op);
}

/** A resource row (website, database, SFTP user, cron job) without secrets. */
export function toResource(row: { toJSON(): object }) {
  // A mail domain's DKIM private key is sealed and never leaves either.
  const { passwordHash, dkimPrivateSealed: _sealed, ...rest } = plain<Record<string, unknown>>(row);
  return passwordHash === undefined ? rest : { ...rest, hasPassword: passwordHash !== null };
}
