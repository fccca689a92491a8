import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EnqueueOptions, PluginLogger } from '@mpanel/sdk';
import type { Logger } from '../logger.ts';
import { currentExecution, dbFor } from '../plugins/execution-scope.ts';
import { WakeableLoop } from '../events/wakeable-loop.ts';
import { JobQueueBase, type JobQueue, type JobView } from './job-queue.ts';
import { nextTick } from './cron.ts';
import { backoffDelay, runJob } from './run-job.ts';

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
  created_at: Date;
  finished_at: Date | null;
}

const LOCK_MS = 5 * 60_000;
const CONCURRENCY = 4;

export function toView(r: JobRow): JobView {
  return {
    id: r.id, name: r.name, tenantId: r.tenant_id, data: r.data, status: r.status, attempts: r.attempts, maxAttempts: r.max_attempts,
    lastError: r.last_error, createdAt: r.created_at ? new Date(r.created_at).toISOString() : null, finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

/**
 * The embedded-mode queue: jobs are rows. No busy polling — the worker sleeps until the next due
 * job or cron tick and is woken on enqueue (and by NOTIFY from other instances on PostgreSQL).
 * Claims use SKIP LOCKED; a claimed job whose worker died is released when its lock expires.
 * A cron tick is claimed by moving `next_run_at` forward conditionally, so it runs once across
 * instances.
 */
export class DatabaseJobQueue extends JobQueueBase implements JobQueue {
  readonly kind = 'database' as const;
  readonly loop: WakeableLoop;

  /** `appKnex`: what handlers' transactions run on (the app role); the queue's own rows are the owner's. */
  constructor(private readonly knex: Knex, private readonly logger: Logger, private readonly appKnex: Knex = knex) {
    super();
    this.loop = new WakeableLoop(() => this.work(), (err) => this.logger.error({ err }, 'job worker failed'));
  }

  async enqueue(owner: string, name: string, data: unknown, options: EnqueueOptions = {}): Promise<string> {
    const def = this.defs.get(owner, name);
    const exec = currentExecution();
    const id = options.jobId ? `${def.fullName}:${options.jobId}` : randomUUID();
    const tenantId = options.tenantId !== undefined ? options.tenantId : (exec?.tenantId ?? null);
    await dbFor(this.knex)('jobs')
      .insert({ id, name: def.fullName, tenant_id: tenantId, data: JSON.stringify(data ?? null), max_attempts: def.attempts, backoff_ms: def.backoffMs, run_at: new Date(Date.now() + (options.delayMs ?? 0)) })
      .onConflict('id')
      .ignore();
    if (this.knex.client.config.client === 'pg') await dbFor(this.knex).raw(`select pg_notify('mpanel_jobs', '')`);
    if (exec?.trx()) exec.afterCommit(() => this.loop.wake());
    else this.loop.wake();
    return id;
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
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
    const exec = currentExecution();
    if (exec?.trx()) exec.afterCommit(() => this.loop.wake());
    else this.loop.wake();
    return n > 0;
  }

  private async work(): Promise<number | null> {
    await this.knex('jobs').where({ status: 'active' }).where('locked_until', '<', new Date()).update({ status: 'waiting' });
    await this.tickSchedules();
    for (;;) {
      const claimed = await this.claim();
      if (!claimed.length) break;
      await Promise.all(claimed.map((row) => this.execute(row)));
    }
    const [job] = (await this.knex('jobs').where({ status: 'waiting' }).min({ at: 'run_at' })) as Array<{ at: Date | null }>;
    const [tick] = this.defs.schedules.size ? ((await this.knex('job_schedules').whereIn('name', [...this.defs.schedules.keys()]).min({ at: 'next_run_at' })) as Array<{ at: Date | null }>) : [];
    const times = [job?.at, tick?.at].filter((t): t is Date => !!t).map((t) => new Date(t).getTime());
    return times.length ? Math.min(...times) : null;
  }

  private async claim(): Promise<JobRow[]> {
    const res = await this.knex.raw(
      `update jobs set status = 'active', attempts = attempts + 1, locked_until = ?, updated_at = now()
       where id in (select id from jobs where status = 'waiting' and run_at <= now() order by run_at limit ? for update skip locked)
       returning *`,
      [new Date(Date.now() + LOCK_MS), CONCURRENCY],
    );
    return res.rows as JobRow[];
  }

  private async execute(row: JobRow): Promise<void> {
    const def = this.defs.jobs.get(row.name);
    if (!def) {
      // Its plugin is not running: put it back for later instead of failing it.
      await this.knex('jobs').where({ id: row.id }).update({ status: 'waiting', attempts: row.attempts - 1, run_at: new Date(Date.now() + 60_000), last_error: 'job not defined (plugin not active)' });
      return;
    }
    try {
      await runJob(this.appKnex, def, { id: row.id, data: row.data, tenantId: row.tenant_id, attempt: row.attempts }, this.logger as unknown as PluginLogger);
      await this.knex('jobs').where({ id: row.id }).update({ status: 'completed', finished_at: new Date(), locked_until: null, updated_at: new Date() });
    } catch (err) {
      const failed = row.attempts >= row.max_attempts;
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn({ job: row.name, jobId: row.id, attempt: row.attempts, failed, err: message }, 'job failed');
      await this.knex('jobs').where({ id: row.id }).update({
        status: failed ? 'failed' : 'waiting', last_error: message.slice(0, 2000), locked_until: null, updated_at: new Date(),
        run_at: new Date(Date.now() + backoffDelay(row.backoff_ms, row.attempts)), finished_at: failed ? new Date() : null,
      });
    }
  }

  private async tickSchedules(): Promise<void> {
    for (const s of this.defs.schedules.values()) {
      const tz = s.options.timezone ?? 'UTC';
      await this.knex('job_schedules')
        .insert({ name: s.fullName, job: s.fullName, cron: s.cron, timezone: tz, data: JSON.stringify(s.options.data ?? {}), run_for_tenant_id: s.options.tenantId ?? null, next_run_at: nextTick(s.cron, new Date(), tz) })
        .onConflict('name')
        .ignore();
      const row = (await this.knex('job_schedules').where({ name: s.fullName }).first()) as { next_run_at: Date; cron: string } | undefined;
      if (!row) continue;
      if (row.cron !== s.cron) {
        await this.knex('job_schedules').where({ name: s.fullName }).update({ cron: s.cron, timezone: tz, next_run_at: nextTick(s.cron, new Date(), tz), updated_at: new Date() });
        continue;
      }
      const due = new Date(row.next_run_at);
      if (due.getTime() > Date.now()) continue;
      // Whoever moves next_run_at on from this exact value owns the tick.
      const won = await this.knex('job_schedules').where({ name: s.fullName, next_run_at: due }).update({ next_run_at: nextTick(s.cron, new Date(), tz), updated_at: new Date() });
      if (!won) continue;
      const [owner, ...rest] = s.fullName.split('.');
      await this.enqueue(owner!, rest.join('.'), s.options.data ?? {}, { jobId: `cron@${due.toISOString()}`, tenantId: s.options.tenantId ?? null });
    }
  }
}
