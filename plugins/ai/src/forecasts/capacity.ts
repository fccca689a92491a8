import type { Knex } from 'knex';
import type { TenantDb } from '@mpanel/sdk';
import { daysUntil, linearFit } from './linear-trend.ts';

/**
 * Server capacity: how many days until each of the tenant's servers is full (accounts, allotted
 * disk) at the pace of the last 90 days, by a least-squares line through the daily samples
 * (ai_capacity_samples) and today's measurement. Hosting's tables are read through the tenant's
 * transaction; a server in a group is measured with hosting's own SECURITY DEFINER count, so the
 * accounts resellers placed on it count too. Without the hosting plugin there are no servers.
 */

const TREND_DAYS = 90;
const DAY = 86_400_000;

export interface ServerLoad {
  serverId: string;
  name: string;
  hostname: string;
  maxAccounts: number | null;
  maxDiskMb: number | null;
  accounts: number;
  allocatedDiskMb: number;
  usedDiskMb: number;
}

export async function hostingInstalled(trx: Knex.Transaction): Promise<boolean> {
  const { rows } = (await trx.raw(`SELECT to_regclass('servers') IS NOT NULL AND to_regclass('hosting_accounts') IS NOT NULL AS ok`)) as { rows: Array<{ ok: boolean }> };
  return Boolean(rows[0]?.ok);
}

/** Today's load of every server of the tenant. */
export async function measureServers(db: TenantDb): Promise<ServerLoad[]> {
  if (!(await hostingInstalled(db.trx))) return [];
  const servers = (await db('servers').orderBy(['name', 'id']).select('id', 'name', 'hostname', 'group_id', 'max_accounts', 'max_disk_gb')) as Array<Record<string, unknown>>;
  const own = (await db('hosting_accounts').join('hosting_plans', 'hosting_plans.id', 'hosting_accounts.plan_id')
    .whereIn('hosting_accounts.desired_state', ['active', 'suspended']).whereNotNull('hosting_accounts.server_id').groupBy('hosting_accounts.server_id')
    .select('hosting_accounts.server_id', db.trx.raw('count(*) as n'),
      db.trx.raw(`coalesce(sum((hosting_plans.limits->>'diskMb')::bigint), 0) as allocated`),
      db.trx.raw(`coalesce(sum(coalesce((hosting_accounts.usage->>'diskUsedMb')::numeric, 0)), 0) as used`))) as Array<Record<string, string>>;
  const byServer = new Map(own.map((r) => [r.server_id, r]));
  const loads: ServerLoad[] = [];
  for (const s of servers) {
    const mine = byServer.get(String(s.id));
    let accounts = Number(mine?.n ?? 0);
    let allocated = Number(mine?.allocated ?? 0);
    if (s.group_id) {
      // Every tenant's accounts on the server (resellers place theirs on it too): hosting's count.
      const { rows } = (await db.trx.raw('SELECT accounts, allocated_disk_mb FROM hosting_placement_candidates(?) WHERE server_id = ?', [String(s.group_id), String(s.id)])) as { rows: Array<{ accounts: string; allocated_disk_mb: string }> };
      if (rows[0]) ({ accounts, allocated } = { accounts: Number(rows[0].accounts), allocated: Number(rows[0].allocated_disk_mb) });
    }
    loads.push({
      serverId: String(s.id), name: String(s.name), hostname: String(s.hostname),
      maxAccounts: s.max_accounts === null ? null : Number(s.max_accounts),
      maxDiskMb: s.max_disk_gb === null ? null : Number(s.max_disk_gb) * 1024,
      accounts, allocatedDiskMb: allocated, usedDiskMb: Math.round(Number(mine?.used ?? 0)),
    });
  }
  return loads;
}

/** Stores today's sample of every server (the daily job); a second run the same day updates it. */
export async function sampleServers(db: TenantDb, today: Date): Promise<number> {
  const loads = await measureServers(db);
  const day = today.toISOString().slice(0, 10);
  for (const l of loads) {
    await db.trx('ai_capacity_samples')
      .insert({ tenant_id: db.tenantId, server_id: l.serverId, sampled_on: day, accounts: l.accounts, allocated_disk_mb: l.allocatedDiskMb, used_disk_mb: l.usedDiskMb })
      .onConflict(['tenant_id', 'server_id', 'sampled_on']).merge(['accounts', 'allocated_disk_mb', 'used_disk_mb', 'updated_at']);
  }
  return loads.length;
}

function dayNumber(value: unknown): number {
  const iso = value instanceof Date ? value.toISOString() : String(value);
  return Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);
}

export async function capacityForecast(db: TenantDb, today: Date) {
  const loads = await measureServers(db);
  const todayN = Math.floor(today.getTime() / DAY);
  const since = new Date((todayN - TREND_DAYS) * DAY).toISOString().slice(0, 10);
  const samples = loads.length
    ? ((await db('ai_capacity_samples').whereIn('server_id', loads.map((l) => l.serverId)).where('sampled_on', '>=', since)
      .where('sampled_on', '<', today.toISOString().slice(0, 10)).orderBy('sampled_on')
      .select('server_id', 'sampled_on', 'accounts', 'allocated_disk_mb')) as Array<Record<string, unknown>>)
    : [];
  const servers = loads.map((l) => {
    const own = samples.filter((s) => s.server_id === l.serverId);
    const points = (pick: (s: Record<string, unknown>) => number, now: number) =>
      [...own.map((s) => ({ x: dayNumber(s.sampled_on), y: pick(s) })), { x: todayN, y: now }];
    const accountPoints = points((s) => Number(s.accounts), l.accounts);
    const diskPoints = points((s) => Number(s.allocated_disk_mb), l.allocatedDiskMb);
    const accountsFit = linearFit(accountPoints);
    const diskFit = linearFit(diskPoints);
    const perDay = (v: number | undefined) => (v === undefined ? null : Math.round(v * 100) / 100);
    return {
      ...l,
      accountsPerDay: perDay(accountsFit?.slope),
      diskMbPerDay: perDay(diskFit?.slope),
      daysUntilAccountsFull: daysUntil(accountsFit, l.maxAccounts, todayN, l.accounts),
      daysUntilDiskFull: daysUntil(diskFit, l.maxDiskMb, todayN, l.allocatedDiskMb),
      dataPoints: accountPoints.length,
      period: { from: accountPoints.length > 1 ? new Date(accountPoints[0]!.x * DAY).toISOString().slice(0, 10) : null, to: today.toISOString().slice(0, 10) },
    };
  });
  return {
    servers,
    basedOn: {
      method: 'linear-trend',
      dataPoints: samples.length + loads.length,
      period: { from: since, to: today.toISOString().slice(0, 10) },
      source: 'daily samples of each server\'s active and suspended hosting accounts and the disk their plans allot (ai_capacity_samples, last 90 days) plus today\'s count; limits: the server\'s max accounts and max disk',
      hosting: loads.length > 0 || (await hostingInstalled(db.trx)),
    },
  };
}
