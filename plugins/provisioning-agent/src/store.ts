import type { Knex } from 'knex';
import type { SignedJob } from '@mpanel/sdk/agent-protocol';

/** Queries on the plugin's tables; every function takes a transaction already bound to the tenant (RLS). */

export interface AgentServerRow {
  id: string;
  tenant_id: string;
  server_id: string;
  public_key: string | null;
  token_hash: string | null;
  token_expires_at: Date | null;
  enrolled_at: Date | null;
  last_seen_at: Date | null;
  facts: Record<string, unknown>;
}

export type JobStatus = 'queued' | 'delivered' | 'succeeded' | 'failed' | 'cancelled' | 'expired';

export interface AgentJobRow {
  id: string;
  server_id: string;
  op: string;
  status: JobStatus;
  result: unknown;
  attempts: number;
  delivered_at: Date | null;
  expires_at: Date;
}

/** A job delivered but not answered for this long is handed out again (the agent answers it from its journal). */
export const REDELIVER_AFTER_SECONDS = 60;

export const agentServer = (trx: Knex.Transaction, serverId: string): Promise<AgentServerRow | undefined> =>
  trx('agent_servers').where({ server_id: serverId }).first();

export async function hostingServerExists(trx: Knex.Transaction, serverId: string): Promise<boolean> {
  return Boolean(await trx('servers').where({ id: serverId }).first('id'));
}

export async function storeEnrollmentToken(trx: Knex.Transaction, tenantId: string, serverId: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await trx('agent_servers')
    .insert({ tenant_id: tenantId, server_id: serverId, token_hash: tokenHash, token_expires_at: expiresAt })
    .onConflict(['tenant_id', 'server_id'])
    .merge({ token_hash: tokenHash, token_expires_at: expiresAt, updated_at: trx.fn.now() });
}

/** Uses the one-time token: the row is locked, so two agents racing with one token cannot both enroll. */
export async function consumeEnrollmentToken(trx: Knex.Transaction, serverId: string, tokenHash: string, publicKey: string, facts: Record<string, unknown>): Promise<boolean> {
  const row = await trx('agent_servers').where({ server_id: serverId, token_hash: tokenHash }).where('token_expires_at', '>', trx.fn.now()).forUpdate().first('id');
  if (!row) return false;
  await trx('agent_servers').where({ id: row.id }).update({
    public_key: publicKey, token_hash: null, token_expires_at: null, enrolled_at: trx.fn.now(), last_seen_at: trx.fn.now(),
    facts: JSON.stringify(facts), updated_at: trx.fn.now(),
  });
  await trx('servers').where({ id: serverId }).update({ status: 'online', agent_public_key: publicKey, facts: JSON.stringify(facts), last_seen_at: trx.fn.now(), updated_at: trx.fn.now() });
  return true;
}

/** The agent called in: it is online (a drained or maintenance server keeps its status). */
export async function touchServer(trx: Knex.Transaction, serverId: string): Promise<void> {
  await trx('agent_servers').where({ server_id: serverId }).update({ last_seen_at: trx.fn.now() });
  await trx('servers').where({ id: serverId }).update({ last_seen_at: trx.fn.now() });
  await trx('servers').where({ id: serverId }).whereIn('status', ['offline', 'enrolling']).update({ status: 'online', updated_at: trx.fn.now() });
}

export async function insertJob(trx: Knex.Transaction, tenantId: string, id: string, job: SignedJob): Promise<void> {
  await trx('agent_jobs').insert({
    id, tenant_id: tenantId, server_id: job.envelope.serverId, op: job.envelope.op,
    envelope: JSON.stringify(job.envelope), signature: job.signature, expires_at: job.envelope.expiresAt,
  });
}

/**
 * Hands out the server's due jobs: queued ones, and delivered ones never answered (the agent may
 * have died; it answers a job it ran from its journal). Jobs past their expiry are expired first.
 */
export async function claimJobs(trx: Knex.Transaction, serverId: string, limit = 20): Promise<SignedJob[]> {
  await trx('agent_jobs').where({ server_id: serverId }).whereIn('status', ['queued', 'delivered']).where('expires_at', '<=', trx.fn.now())
    .update({ status: 'expired', finished_at: trx.fn.now(), updated_at: trx.fn.now() });
  const due = trx('agent_jobs').select('id').where({ server_id: serverId })
    .where((q) => q.where('status', 'queued').orWhere((d) => d.where('status', 'delivered').where('delivered_at', '<', trx.raw(`now() - interval '${REDELIVER_AFTER_SECONDS} seconds'`))))
    .orderBy('created_at').limit(limit).forUpdate().skipLocked();
  const rows = (await trx('agent_jobs').whereIn('id', due)
    .update({ status: 'delivered', delivered_at: trx.fn.now(), attempts: trx.raw('attempts + 1'), updated_at: trx.fn.now() })
    .returning(['envelope', 'signature', 'created_at'])) as Array<{ envelope: SignedJob['envelope']; signature: string; created_at: Date }>;
  return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime()).map((r) => ({ envelope: r.envelope, signature: r.signature }));
}

/** Stores the agent's answer once; a second answer for a finished job changes nothing. */
export async function finishJob(trx: Knex.Transaction, serverId: string, jobId: string, result: { ok: boolean }): Promise<'stored' | 'already' | 'unknown'> {
  const n = await trx('agent_jobs').where({ id: jobId, server_id: serverId }).whereIn('status', ['queued', 'delivered', 'expired', 'cancelled'])
    .update({ status: result.ok ? 'succeeded' : 'failed', result: JSON.stringify(result), finished_at: trx.fn.now(), updated_at: trx.fn.now() });
  if (n > 0) return 'stored';
  return (await trx('agent_jobs').where({ id: jobId, server_id: serverId }).first('id')) ? 'already' : 'unknown';
}

export const jobById = (trx: Knex.Transaction, jobId: string): Promise<AgentJobRow | undefined> =>
  trx('agent_jobs').where({ id: jobId }).first('id', 'server_id', 'op', 'status', 'result', 'attempts', 'delivered_at', 'expires_at');

/** The caller stopped waiting: a job still queued is withdrawn so it never runs later. True when withdrawn. */
export async function cancelQueuedJob(trx: Knex.Transaction, jobId: string): Promise<boolean> {
  return (await trx('agent_jobs').where({ id: jobId, status: 'queued' }).update({ status: 'cancelled', finished_at: trx.fn.now(), updated_at: trx.fn.now() })) > 0;
}

/** Enrolled agents silent for `seconds` are marked offline on hosting's server row (placement skips them). */
export async function markSilentServersOffline(trx: Knex.Transaction, seconds: number): Promise<number> {
  const silent = trx('agent_servers').select('server_id').whereNotNull('public_key').where('last_seen_at', '<', trx.raw(`now() - make_interval(secs => ?)`, [seconds]));
  return trx('servers').whereIn('id', silent).where('status', 'online').update({ status: 'offline', updated_at: trx.fn.now() });
}
