import type { TenantDb } from '@mpanel/sdk';
import type { HostingPlan} from './models/index.ts';
import { HostingAccount, ServerGroup, ServerGroupGrant, type Placement } from './models/index.ts';

/** A server of a group as placement sees it (from `hosting_placement_candidates`: every tenant's accounts counted). */
export interface Candidate {
  serverId: string;
  status: string;
  maxAccounts: number | null;
  maxDiskGb: number | null;
  createdAt: Date;
  /** Active and suspended accounts on the server, all tenants. */
  accounts: number;
  /** Sum of the disk limits of those accounts' plans. */
  allocatedDiskMb: number;
  lastPlacedAt: Date | null;
}

export type PlacementResult =
  | { ok: true; serverId: string; groupId: string }
  | { ok: false; reason: 'no_group' | 'no_capacity' | 'quota_exceeded'; groupId: string; message: string };

/** Whether a server can take one more account needing `diskMb`. Only `online` servers take accounts. */
export function hasRoom(c: Candidate, diskMb: number): boolean {
  if (c.status !== 'online') return false;
  if (c.maxAccounts !== null && c.accounts >= c.maxAccounts) return false;
  return c.maxDiskGb === null || c.allocatedDiskMb + diskMb <= c.maxDiskGb * 1024;
}

const byAge = (a: Candidate, b: Candidate) => a.createdAt.getTime() - b.createdAt.getTime() || a.serverId.localeCompare(b.serverId);

/**
 * The server a new account goes to, or null when none has room.
 * - `least_full`: the lowest share of `max_accounts` in use (a server without a limit is measured
 *   against the largest limit in the group, or by its count when none has one);
 * - `fill`: the oldest server with room, until it is full (WHMCS "fill");
 * - `round_robin`: the server that was given an account longest ago (never = first);
 * - `least_load`: no load figures yet, so the same as `least_full`.
 * Ties go to the oldest server, so the answer never depends on the order rows arrive in.
 */
export function choose(placement: Placement, candidates: Candidate[], diskMb = 0): string | null {
  const open = candidates.filter((c) => hasRoom(c, diskMb));
  if (!open.length) return null;
  const widest = Math.max(0, ...open.map((c) => c.maxAccounts ?? 0)) || 1;
  const share = (c: Candidate) => c.accounts / (c.maxAccounts ?? widest);
  const placed = (c: Candidate) => c.lastPlacedAt?.getTime() ?? -Infinity;
  const order: Record<Placement, (a: Candidate, b: Candidate) => number> = {
    least_full: (a, b) => share(a) - share(b) || byAge(a, b),
    least_load: (a, b) => share(a) - share(b) || byAge(a, b),
    fill: byAge,
    round_robin: (a, b) => placed(a) - placed(b) || byAge(a, b),
  };
  return [...open].sort(order[placement])[0]!.serverId;
}

async function candidatesOf(db: TenantDb, groupId: string): Promise<Candidate[]> {
  const { rows } = (await db.trx.raw('SELECT * FROM hosting_placement_candidates(?)', [groupId])) as { rows: Array<Record<string, unknown>> };
  return rows.map((r) => ({
    serverId: String(r.server_id),
    status: String(r.status),
    maxAccounts: r.max_accounts === null ? null : Number(r.max_accounts),
    maxDiskGb: r.max_disk_gb === null ? null : Number(r.max_disk_gb),
    createdAt: new Date(r.created_at as string),
    accounts: Number(r.accounts),
    allocatedDiskMb: Number(r.allocated_disk_mb),
    lastPlacedAt: r.last_placed_at ? new Date(r.last_placed_at as string) : null,
  }));
}

/** The grant letting this tenant place accounts on another tenant's group (the reseller's side). */
export async function grantFor(db: TenantDb, groupId: string): Promise<ServerGroupGrant | undefined> {
  return ServerGroupGrant.query(db.trx).where({ group_id: groupId, child_tenant_id: db.tenantId }).first();
}

/** The group's placement rule and, for a reseller, its grant (the owner's rule comes through a definer function). */
async function ruleOf(db: TenantDb, groupId: string): Promise<{ placement: Placement; grant: ServerGroupGrant | null } | null> {
  const own = await ServerGroup.scoped(db).findById(groupId);
  if (own) return { placement: own.placement, grant: null };
  const grant = await grantFor(db, groupId);
  if (!grant) return null;
  const { rows } = (await db.trx.raw('SELECT hosting_group_placement(?) AS placement', [groupId])) as { rows: Array<{ placement: Placement | null }> };
  return { placement: rows[0]?.placement ?? 'least_full', grant };
}

/** This tenant's own active and suspended accounts on these servers: how many, and their plans' disk. */
export async function quotaUsage(db: TenantDb, serverIds: string[]): Promise<{ accounts: number; diskMb: number }> {
  const mine = await HostingAccount.scoped(db).whereIn('server_id', serverIds).whereIn('desired_state', ['active', 'suspended'])
    .join('hosting_plans', 'hosting_plans.id', 'hosting_accounts.plan_id')
    .select(db.trx.raw('count(*) as n'), db.trx.raw(`coalesce(sum((hosting_plans.limits->>'diskMb')::bigint), 0) as disk`)) as unknown as Array<{ n: string; disk: string }>;
  return { accounts: Number(mine[0]?.n ?? 0), diskMb: Number(mine[0]?.disk ?? 0) };
}

/** The servers of a group this tenant owns or was granted (counting every tenant's accounts). */
export async function groupServerIds(db: TenantDb, groupId: string): Promise<string[]> {
  return (await candidatesOf(db, groupId)).map((c) => c.serverId);
}

/**
 * Which quota of a grant `more` new accounts needing `diskMb` in all would overrun, with the
 * figures, or null when they fit. Used at placement and, earlier, when the order is placed.
 */
export function quotaOverrun(grant: Pick<ServerGroupGrant, 'maxAccounts' | 'maxDiskMb'>, used: { accounts: number; diskMb: number }, more: { accounts: number; diskMb: number }): string | null {
  if (grant.maxAccounts !== null && used.accounts + more.accounts > grant.maxAccounts) {
    return `accounts: the grant allows ${grant.maxAccounts}, ${used.accounts} are in use and ${more.accounts} more are needed`;
  }
  if (grant.maxDiskMb !== null && used.diskMb + more.diskMb > Number(grant.maxDiskMb)) {
    return `disk: the grant allows ${Number(grant.maxDiskMb)} MB, ${used.diskMb} MB are allocated and ${more.diskMb} MB more are needed`;
  }
  return null;
}

/** Whether this tenant's own accounts on the granted servers leave room in the grant's quotas. */
async function withinQuota(db: TenantDb, grant: ServerGroupGrant, serverIds: string[], diskMb: number): Promise<boolean> {
  if (grant.maxAccounts === null && grant.maxDiskMb === null) return true;
  return quotaOverrun(grant, await quotaUsage(db, serverIds), { accounts: 1, diskMb }) === null;
}

/**
 * Chooses the server of `groupId` for a new account of `plan`, counting every tenant's active and
 * suspended accounts. Placements in one group are serialised (a transaction-scoped advisory lock),
 * so two concurrent orders cannot both take a server's last slot. A typed result, not an error:
 * "no capacity in group X" is a state the operation shows, not a failed call.
 */
export async function placeAccount(db: TenantDb, groupId: string, plan: Pick<HostingPlan, 'limits'>): Promise<PlacementResult> {
  const rule = await ruleOf(db, groupId);
  if (!rule) return { ok: false, reason: 'no_group', groupId, message: `Server group ${groupId} does not exist or is not granted to this tenant` };
  await db.trx.raw(`SELECT pg_advisory_xact_lock(hashtext('hosting-placement:' || ?))`, [groupId]);
  const diskMb = plan.limits.diskMb ?? 0;
  const candidates = await candidatesOf(db, groupId);
  if (rule.grant && !(await withinQuota(db, rule.grant, candidates.map((c) => c.serverId), diskMb))) {
    return { ok: false, reason: 'quota_exceeded', groupId, message: `The quota granted on server group ${groupId} is used up` };
  }
  const serverId = choose(rule.placement, candidates, diskMb);
  return serverId
    ? { ok: true, serverId, groupId }
    : { ok: false, reason: 'no_capacity', groupId, message: `No capacity in server group ${groupId}: every server is full, draining or offline` };
}
