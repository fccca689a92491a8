import type { Knex } from 'knex';

export type RunStatus = 'queued' | 'running' | 'compensating' | 'succeeded' | 'failed' | 'needs_attention' | 'cancelled' | 'superseded';
export const ACTIVE_STATUSES: RunStatus[] = ['queued', 'running', 'compensating'];

export interface RunRow {
  id: string;
  tenant_id: string;
  name: string;
  owner: string;
  subject: string | null;
  status: RunStatus;
  phase: 'forward' | 'compensate';
  compensate_outcome: 'failed' | 'cancelled' | null;
  input: string | null;
  current_step: string | null;
  last_error: string | null;
  superseded_by: string | null;
  cancel_requested: boolean;
  lease_owner: string | null;
  kick_seq: number;
  created_at: Date;
}

export interface StepRow {
  id: string;
  position: number;
  name: string;
  kind: 'run' | 'compensate';
  status: 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'compensated';
  attempts: number;
  output: string | null;
}

/**
 * The runtime's own statements on the run and step rows. They run as the owner (the runtime serves
 * every tenant, like the job queue) and every write after the claim is conditional on still
 * holding the run's lease: a worker that lost it (stalled past its lease) changes nothing.
 */
export class RunStore {
  constructor(private readonly knex: Knex) {}

  /** Takes the run's lease if nobody holds it and it is due; the row, or undefined. */
  async claim(runId: string, owner: string, leaseMs: number): Promise<RunRow | undefined> {
    const res = await this.knex.raw(
      `update workflow_runs r set lease_owner = ?, lease_until = now() + (? * interval '1 millisecond'),
         status = case when r.status = 'queued' then 'running' else r.status end,
         started_at = coalesce(r.started_at, now()), updated_at = now()
       where r.id = ? and r.status in ('queued', 'running', 'compensating') and r.next_attempt_at <= now()
         and (r.lease_until is null or r.lease_until < now())
         and not exists (
           select 1 from workflow_runs o where o.tenant_id = r.tenant_id and o.name = r.name and o.subject = r.subject
             and o.created_at < r.created_at and o.id <> r.id and o.status in ('running', 'compensating'))
       returning r.*`,
      [owner, leaseMs, runId],
    );
    return (res.rows as RunRow[])[0];
  }

  /** Extends the lease; false when it was lost. Also says whether a cancel was asked for. */
  async heartbeat(runId: string, owner: string, leaseMs: number): Promise<{ held: boolean; cancelRequested: boolean }> {
    const res = await this.knex.raw(
      `update workflow_runs set lease_until = now() + (? * interval '1 millisecond') where id = ? and lease_owner = ? returning cancel_requested`,
      [leaseMs, runId, owner],
    );
    const row = (res.rows as Array<{ cancel_requested: boolean }>)[0];
    return { held: !!row, cancelRequested: !!row?.cancel_requested };
  }

  /** The run as it is now (a cancel or a newer run may have changed it while a step ran). */
  async reload(runId: string, owner: string): Promise<RunRow | undefined> {
    return (await this.knex('workflow_runs').where({ id: runId, lease_owner: owner }).first()) as RunRow | undefined;
  }

  async steps(runId: string): Promise<StepRow[]> {
    return (await this.knex('workflow_steps').where({ run_id: runId }).orderBy([{ column: 'kind', order: 'desc' }, 'position'])) as StepRow[];
  }

  /** Updates the run while the lease is held; false when it is not. */
  async updateRun(runId: string, owner: string, changes: Record<string, unknown>): Promise<boolean> {
    return (await this.knex('workflow_runs').where({ id: runId, lease_owner: owner }).update({ ...changes, updated_at: new Date() })) > 0;
  }

  /** Gives the run back: finished, or waiting until `nextAttemptAt`. */
  async release(runId: string, owner: string, changes: Record<string, unknown>): Promise<boolean> {
    return this.updateRun(runId, owner, { ...changes, lease_owner: null, lease_until: null });
  }

  /** Marks a step try as started, in one statement that holds the run's row; the try's number. */
  async beginStep(run: RunRow, owner: string, step: { position: number; name: string; kind: 'run' | 'compensate' }): Promise<number | undefined> {
    const key = `${run.id}:${step.name}${step.kind === 'compensate' ? ':compensate' : ''}`;
    const res = await this.knex.raw(
      `with held as (select id from workflow_runs where id = ? and lease_owner = ? for update),
         moved as (update workflow_runs set current_step = ?, updated_at = now() where id in (select id from held))
       insert into workflow_steps (tenant_id, run_id, position, name, kind, status, attempts, idempotency_key, started_at)
       select ?, id, ?, ?, ?, 'running', 1, ?, now() from held
       on conflict (run_id, kind, position) do update set status = 'running', attempts = workflow_steps.attempts + 1, last_error = null,
         finished_at = null, updated_at = now(), started_at = coalesce(workflow_steps.started_at, now())
       returning attempts`,
      [run.id, owner, step.name, run.tenant_id, step.position, step.name, step.kind, key],
    );
    return (res.rows as Array<{ attempts: number }>)[0]?.attempts;
  }

  /** Records how a step try ended, only while the lease is held (the run's row locked meanwhile). */
  async endStep(runId: string, owner: string, kind: 'run' | 'compensate', position: number, changes: Record<string, unknown>): Promise<boolean> {
    const knex = this.knex;
    const n = await knex('workflow_steps')
      .where({ run_id: runId, kind, position })
      .whereExists(function () {
        void this.select(knex.raw('1')).from('workflow_runs').where({ id: runId, lease_owner: owner }).forUpdate();
      })
      .update({ ...changes, updated_at: new Date() });
    return n > 0;
  }

  /** Runs due but unleased and not kicked lately (their worker died, or a kick was lost). */
  async dueForKick(kickGraceMs: number, limit: number): Promise<Array<{ id: string; tenant_id: string; kick_seq: number }>> {
    const res = await this.knex.raw(
      `update workflow_runs set kicked_at = now(), kick_seq = kick_seq + 1
       where id in (
         select id from workflow_runs
         where status in ('queued', 'running', 'compensating') and next_attempt_at <= now()
           and (lease_until is null or lease_until < now())
           and (kicked_at is null or kicked_at < now() - (? * interval '1 millisecond'))
         order by next_attempt_at limit ? for update skip locked)
       returning id, tenant_id, kick_seq`,
      [kickGraceMs, limit],
    );
    return res.rows as Array<{ id: string; tenant_id: string; kick_seq: number }>;
  }

  /** Runs that stopped for a person but whose notice was never sent (their worker died right after). */
  async unnoticed(olderThanMs: number, limit: number): Promise<RunRow[]> {
    return (await this.knex('workflow_runs').where({ status: 'needs_attention' }).whereNull('notified_at').where('updated_at', '<', new Date(Date.now() - olderThanMs)).limit(limit)) as RunRow[];
  }

  /** Takes a number for a kick of this run (the job id of its kick). */
  async nextKick(runId: string): Promise<{ tenant_id: string; kick_seq: number } | undefined> {
    const res = await this.knex.raw(`update workflow_runs set kick_seq = kick_seq + 1, kicked_at = now() where id = ? returning tenant_id, kick_seq`, [runId]);
    return (res.rows as Array<{ tenant_id: string; kick_seq: number }>)[0];
  }

  /** Lets the sweeper kick the run again at its next pass. */
  async unkick(runId: string): Promise<void> {
    await this.knex('workflow_runs').where({ id: runId }).update({ kicked_at: null });
  }

  /** Queued runs of the same workflow and subject, waiting for `run` to finish. */
  async waitingBehind(run: RunRow): Promise<string[]> {
    if (!run.subject) return [];
    return this.knex('workflow_runs').where({ tenant_id: run.tenant_id, name: run.name, subject: run.subject }).whereIn('status', ACTIVE_STATUSES).whereNot({ id: run.id }).orderBy('created_at').limit(1).pluck('id');
  }
}
