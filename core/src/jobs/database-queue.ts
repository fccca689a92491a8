import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EnqueueOptions, PluginLogger } from '@mpanel/sdk';
import type { Logger } from '../logger.ts';
import { currentExecution, dbFor } from '../plugins/execution-scope.ts';
import { WakeableLoop } from '../events/wakeable-loop.ts';
import { JobQueueBase, type JobQueue, type JobView } from './job-queue.ts';
import { DatabaseCron } from './database-cron.ts';
import { JobLease } from './job-lease.ts';
import { DEFAULT_JOB_SETTINGS, type JobQueueSettings } from './job-settings.ts';
import { backoffDelay, runJob } from './run-job.ts';
import { waitAtMost } from './wait-at-most.ts';

interface JobRow {
  id: string;
  name: string;
  tenant_id: string | null;
  data: unknown;
  status: JobView['status'];
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  last_error: string | null;
  lock_token: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export function toView(r: JobRow): JobView {
  return {
    id: r.id, name: r.name, tenantId: r.tenant_id, data: r.data, status: r.status, attempts: r.attempts, maxAttempts: r.max_attempts,
    lastError: r.last_error, createdAt: r.created_at ? new Date(r.created_at).toISOString() : null, finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

/**
 * The embedded-mode queue: jobs are rows. No busy polling — the worker sleeps until the next due
 * job or lease end and is woken on enqueue, when a slot frees (and by NOTIFY from other
 * instances on PostgreSQL). Each of `slots` slots claims the next job as soon as it is free.
 * A claim writes the worker's own `lock_token` and a lease (`locked_until`), which the worker
 * renews while the job runs; only the token's holder may renew or finish the job, and a job is
 * taken back only once its lease has ended. Cron ticks run in their own loop (DatabaseCron).
 */
export class DatabaseJobQueue extends JobQueueBase implements JobQueue {
  readonly kind = 'database' as const;
  readonly loop: WakeableLoop;
  private readonly cron: DatabaseCron;
  private readonly settings: JobQueueSettings;
  private readonly running = new Map<string, { lease: JobLease; done: Promise<void> }>();
  /** When a lease may next have run out, so that expired jobs are looked for only then. */
  private reclaimDueAt = 0;

  /** `appKnex`: what handlers' transactions run on (the app role); the queue's own rows are the owner's. */
  constructor(private readonly knex: Knex, private readonly logger: Logger, private readonly appKnex: Knex = knex, settings: Partial<JobQueueSettings> = {}) {
    super();
    this.settings = { ...DEFAULT_JOB_SETTINGS, ...settings };
    this.loop = new WakeableLoop(() => this.work(), (err) => this.logger.error({ err }, 'job worker failed'));
    this.cron = new DatabaseCron(knex, this.defs, (fullName, data, jobId, tenantId) => {
      const [owner, ...rest] = fullName.split('.');
      return this.enqueue(owner!, rest.join('.'), data, { jobId, tenantId });
    }, logger);
  }

  async enqueue(owner: string, name: string, data: unknown, options: EnqueueOptions = {}): Promise<string> {
    const def = this.defs.get(owner, name);
    const exec = currentExecution();
    const id = options.jobId ? `${def.fullName}:${options.jobId}` : randomUUID();
    const tenantId = options.tenantId !== undefined ? options.tenantId : (exec?.tenantId ?? null);
    // In the caller's transaction when there is one: a rollback leaves no job behind.
    await dbFor(this.knex)('jobs')
      .insert({ id, name: def.fullName, tenant_id: tenantId, data: JSON.stringify(data ?? null), max_attempts: def.attempts, backoff_ms: def.backoffMs, run_at: new Date(Date.now() + (options.delayMs ?? 0)) })
      .onConflict('id')
      .ignore();
    if (this.knex.client.config.client === 'pg') await dbFor(this.knex).raw(`select pg_notify('mpanel_jobs', '')`);
    this.wakeAfterCommit();
    return id;
  }

  async start(): Promise<void> {
    this.loop.start();
    this.cron.loop.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.loop.stop(), this.cron.loop.stop()]);
    const runs = [...this.running.values()];
    await waitAtMost(this.settings.stopGraceMs, Promise.all(runs.map((r) => r.done)));
    // Still running: keep their leases (no release while the handler may still write), stop renewing.
    for (const r of this.running.values()) r.lease.abandon();
  }

  async list(status: string, tenantId: string | null, page: number, perPage: number): Promise<{ rows: JobView[]; total: number }> {
    const q = () => {
      const b = dbFor(this.knex)('jobs').where({ status });
      return tenantId ? b.where({ tenant_id: tenantId }) : b;
    };
    const [{ total }] = (await q().count({ total: '*' })) as [{ total: number }];
    const rows = (await q().orderBy('updated_at', 'desc').limit(perPage).offset((page - 1) * perPage)) as JobRow[];
    return { rows: rows.map(toView), total: Number(total) };
  }

  async retry(id: string, tenantId: string | null): Promise<boolean> {
    const q = dbFor(this.knex)('jobs').where({ id, status: 'failed' });
    const n = await (tenantId ? q.where({ tenant_id: tenantId }) : q).update({ status: 'waiting', attempts: 0, run_at: new Date(), last_error: null, updated_at: new Date() });
    this.wakeAfterCommit();
    return n > 0;
  }

  private wakeAfterCommit(): void {
    const exec = currentExecution();
    if (exec?.trx()) exec.afterCommit(() => this.loop.wake());
    else this.loop.wake();
  }

  /**
   * Fills the free slots and returns; a slot that frees wakes the loop again. While there is
   * work, a cycle is one claim (and now and then a reclaim): per job, not per poll.
   */
  private async work(): Promise<number | null> {
    if (Date.now() >= this.reclaimDueAt) {
      await this.reclaimExpired();
      this.reclaimDueAt = Date.now() + this.settings.leaseMs / 2;
    }
    const free = this.settings.slots - this.running.size;
    const claimed = free > 0 ? await this.claim(free) : [];
    for (const row of claimed) this.occupySlot(row);
    // Every slot busy: due jobs wait for a slot (which wakes the loop), not for a timer.
    if (this.running.size >= this.settings.slots) return this.reclaimDueAt;
    const [job] = (await this.knex('jobs').where({ status: 'waiting' }).min({ at: 'run_at' })) as Array<{ at: Date | null }>;
    const [lease] = (await this.knex('jobs').where({ status: 'active' }).min({ at: 'locked_until' })) as Array<{ at: Date | null }>;
    // The earliest lease that may run out (another worker's, or ours if its heartbeat stops).
    if (lease?.at) this.reclaimDueAt = Math.min(this.reclaimDueAt, new Date(lease.at).getTime());
    return job?.at ? Math.min(new Date(job.at).getTime(), this.reclaimDueAt) : this.reclaimDueAt;
  }

  /**
   * Jobs whose lease ended (their worker died or lost its database) go back to the queue, or
   * fail once they have used their attempts (a job that kills its worker each time stops there).
   */
  private async reclaimExpired(): Promise<void> {
    await this.knex('jobs')
      .where({ status: 'active' })
      .where('locked_until', '<', this.knex.fn.now())
      .update({
        status: this.knex.raw("case when attempts >= max_attempts then 'failed' else 'waiting' end"),
        finished_at: this.knex.raw('case when attempts >= max_attempts then now() else null end'),
        last_error: 'lease expired: the worker running it stopped renewing',
        lock_token: null, locked_until: null, updated_at: new Date(),
      });
  }

  private async claim(limit: number): Promise<JobRow[]> {
    const res = await this.knex.raw(
      `update jobs set status = 'active', attempts = attempts + 1, locked_until = now() + ? * interval '1 millisecond', lock_token = ?, updated_at = now()
       where id in (select id from jobs where status = 'waiting' and run_at <= now() order by run_at limit ? for update skip locked)
       returning *`,
      [this.settings.leaseMs, randomUUID(), limit],
    );
    return res.rows as JobRow[];
  }

  /** Leases are set and checked on the database's clock: workers on other hosts may not agree on the time. */
  private leaseEnd(ms: number): Knex.Raw {
    return this.knex.raw(`now() + ? * interval '1 millisecond'`, [ms]);
  }

  private occupySlot(row: JobRow): void {
    const def = this.defs.jobs.get(row.name);
    const leaseMs = def?.leaseMs ?? this.settings.leaseMs;
    const mine = () => this.knex('jobs').where({ id: row.id, lock_token: row.lock_token, status: 'active' });
    const lease = new JobLease({
      leaseMs,
      timeoutMs: def?.timeoutMs,
      renew: async () => (await mine().update({ locked_until: this.leaseEnd(leaseMs) })) > 0,
      onRenewError: (err) => this.logger.warn({ err, jobId: row.id }, 'job lease not renewed'),
    });
    const done = this.execute(row, lease, mine).finally(() => {
      lease.end();
      this.running.delete(row.id);
      this.loop.wake();
    });
    this.running.set(row.id, { lease, done });
  }

  private async execute(row: JobRow, lease: JobLease, mine: () => Knex.QueryBuilder): Promise<void> {
    const def = this.defs.jobs.get(row.name);
    try {
      if (!def) {
        // Its plugin is not running: put it back for later instead of failing it.
        await mine().update({ status: 'waiting', attempts: row.attempts - 1, run_at: new Date(Date.now() + 60_000), last_error: 'job not defined (plugin not active)', lock_token: null, locked_until: null });
        return;
      }
      // A job with its own lease holds it from the start, not only from its first heartbeat.
      if (def.leaseMs !== undefined && def.leaseMs !== this.settings.leaseMs) await mine().update({ locked_until: this.leaseEnd(def.leaseMs) });
      await runJob(this.appKnex, def, { id: row.id, data: row.data, tenantId: row.tenant_id, attempt: row.attempts }, this.logger as unknown as PluginLogger, lease);
      lease.end();
      if (lease.abandoned) return;
      const n = await mine().update({ status: 'completed', finished_at: new Date(), locked_until: null, lock_token: null, updated_at: new Date() });
      if (!n) this.logger.warn({ job: row.name, jobId: row.id }, 'job finished after its lease was lost; another worker owns it now');
    } catch (err) {
      lease.end();
      if (lease.abandoned) return;
      await this.recordFailure(row, err, mine);
    }
  }

  private async recordFailure(row: JobRow, err: unknown, mine: () => Knex.QueryBuilder): Promise<void> {
    const failed = row.attempts >= row.max_attempts;
    const message = err instanceof Error ? err.message : String(err);
    this.logger.warn({ job: row.name, jobId: row.id, attempt: row.attempts, failed, err: message }, 'job failed');
    // Only while it is still ours: a lost lease means another worker has the job and its outcome.
    await mine().update({
      status: failed ? 'failed' : 'waiting', last_error: message.slice(0, 2000), locked_until: null, lock_token: null, updated_at: new Date(),
      run_at: new Date(Date.now() + backoffDelay(row.backoff_ms, row.attempts)), finished_at: failed ? new Date() : null,
    });
  }
}
