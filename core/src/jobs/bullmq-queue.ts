import { Job, Queue, Worker } from 'bullmq';
import type { Knex } from 'knex';
import type { EnqueueOptions, PluginLogger } from '@mpanel/sdk';
import type { Logger } from '../logger.ts';
import type { RedisHandle } from '../redis.ts';
import { randomUUID } from 'node:crypto';
import { currentExecution } from '../plugins/execution-scope.ts';
import { BullRelay, type RelayedJob } from './bullmq-relay.ts';
import { JobQueueBase, type JobQueue, type JobView } from './job-queue.ts';
import { runJob } from './run-job.ts';
import { JobLease, LeaseLostError } from './job-lease.ts';
import { DEFAULT_JOB_SETTINGS, HEARTBEATS_PER_LEASE, type JobQueueSettings } from './job-settings.ts';
import { waitAtMost } from './wait-at-most.ts';

interface Payload {
  tenantId: string | null;
  data: unknown;
}

const QUEUE = 'mpanel-jobs';

/** BullMQ refuses `:` in custom ids. */
const bullId = (id: string) => id.replace(/:/g, '|');

/**
 * Runs begun, a lost worker's included (BullMQ counts those in `attemptsStarted`, not in
 * `attemptsMade`): as on the database queue, a handler sees that it runs again.
 */
const startedAttempts = (job: Job) => Math.max(job.attemptsStarted, job.attemptsMade);

/** A stalled job (lock gone: its worker died) goes back to the queue this often before it fails. */
const MAX_STALLED = 3;

/**
 * The Redis backend: one BullMQ queue for every job, named `<plugin>.<job>`. Idempotency keys
 * become BullMQ job ids (a duplicate add is a no-op); cron schedules are BullMQ job schedulers,
 * which Redis makes run once across instances, and queue a tick's job on time whatever the
 * workers are doing. Leases are BullMQ's job locks: `lockDuration` is the lease, renewed every
 * third of it while the job runs, and the stalled check moves a job whose lock has expired (its
 * worker is gone) back to the queue; the worker's `concurrency` is the slot pool.
 */
export class BullJobQueue extends JobQueueBase implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly relay: BullRelay;
  private readonly settings: JobQueueSettings;
  private readonly running = new Map<string, { lease: JobLease; done: Promise<unknown> }>();

  /** `appKnex`: what handlers' transactions run on (the app role). */
  constructor(private readonly redis: RedisHandle, private readonly knex: Knex, private readonly logger: Logger, private readonly prefix = 'mpanel', private readonly appKnex: Knex = knex, settings: Partial<JobQueueSettings> = {}) {
    super();
    this.settings = { ...DEFAULT_JOB_SETTINGS, ...settings };
    // Adding a job happens on a request's path (mail after commit): while Redis is down it fails at
    // once instead of waiting in ioredis's offline queue, so the request does not hang.
    this.queue = new Queue(QUEUE, { connection: redis.duplicate({ enableOfflineQueue: false }), prefix });
    this.relay = new BullRelay(knex, (job) => this.add(job), logger);
  }

  /**
   * Inside a transaction the job is held in it and added to Redis after commit (BullRelay): a
   * rolled-back transaction queues nothing, and a Redis outage or a crash after commit loses nothing.
   */
  async enqueue(owner: string, name: string, data: unknown, options: EnqueueOptions = {}): Promise<string> {
    const def = this.defs.get(owner, name);
    const exec = currentExecution();
    const job: RelayedJob = {
      id: bullId(options.jobId ? `${def.fullName}:${options.jobId}` : randomUUID()),
      name: def.fullName,
      tenantId: options.tenantId !== undefined ? options.tenantId : (exec?.tenantId ?? null),
      data,
      delayMs: options.delayMs,
    };
    const trx = exec?.trx();
    if (!trx) {
      await this.add(job);
      return job.id;
    }
    await this.relay.hold(trx, job);
    exec!.afterCommit(() => this.relay.push(job));
    return job.id;
  }

  private async add(job: RelayedJob): Promise<void> {
    const def = this.defs.jobs.get(job.name);
    const payload: Payload = { tenantId: job.tenantId, data: job.data };
    await this.queue.add(job.name, payload, {
      jobId: job.id,
      delay: job.delayMs,
      attempts: def?.attempts,
      backoff: def ? { type: 'exponential', delay: def.backoffMs } : undefined,
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: false,
    });
  }

  async start(): Promise<void> {
    for (const s of this.defs.schedules.values()) {
      const def = this.defs.jobs.get(s.fullName)!;
      const payload: Payload = { tenantId: s.options.tenantId ?? null, data: s.options.data ?? {} };
      await this.queue.upsertJobScheduler(s.fullName, { pattern: s.cron, tz: s.options.timezone ?? 'UTC' }, { name: s.fullName, data: payload, opts: { attempts: def.attempts, backoff: { type: 'exponential', delay: def.backoffMs } } });
    }
    const { leaseMs, slots } = this.settings;
    this.worker = new Worker<Payload>(QUEUE, (job, _token, signal) => this.process(job, signal), {
      connection: this.redis.duplicate(), prefix: this.prefix, concurrency: slots,
      lockDuration: leaseMs,
      lockRenewTime: Math.max(1, Math.floor(leaseMs / HEARTBEATS_PER_LEASE)),
      // A lost worker's job is back in the queue between its lock's end and one interval later.
      stalledInterval: Math.max(1, Math.floor(leaseMs / 2)),
      maxStalledCount: MAX_STALLED,
    });
    this.relay.start();
    void this.relay.sweep(); // what a previous process held when it stopped
    this.worker.on('failed', (job, err) => this.logger.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'job failed'));
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'job worker error'));
    // A lock that could not be renewed may already be another worker's: the run is told to stop.
    this.worker.on('lockRenewalFailed', (ids) => ids.forEach((id) => this.running.get(id)?.lease.abort(new LeaseLostError('BullMQ could not renew the job lock'))));
  }

  private async process(job: Job<Payload>, signal: AbortSignal | undefined): Promise<unknown> {
    const def = this.defs.jobs.get(job.name);
    if (!def) throw new Error(`Job "${job.name}" is not defined (plugin not active)`);
    // BullMQ renews the lock itself; the lease here carries the timeout and the signal.
    const lease = new JobLease({ leaseMs: this.settings.leaseMs, timeoutMs: def.timeoutMs });
    signal?.addEventListener('abort', () => lease.abort(new LeaseLostError(String(signal.reason ?? 'cancelled'))), { once: true });
    const done = runJob(this.appKnex, def, { id: job.id!, data: job.data.data, tenantId: job.data.tenantId, attempt: startedAttempts(job) }, this.logger as unknown as PluginLogger, lease);
    this.running.set(job.id!, { lease, done: done.catch(() => undefined) });
    try {
      return await done;
    } finally {
      lease.end();
      this.running.delete(job.id!);
    }
  }

  async stop(): Promise<void> {
    await this.relay.stop();
    if (this.worker) {
      // No new jobs; the running ones keep their locks renewed while we wait for them.
      await this.worker.pause(true);
      const finished = await waitAtMost(this.settings.stopGraceMs, Promise.all([...this.running.values()].map((r) => r.done)));
      // Past the grace: leave the running jobs locked; the lock runs out and another worker's
      // stalled check takes them over. Nothing is handed back while a handler may still run.
      await this.worker.close(!finished);
      if (!finished) for (const r of this.running.values()) r.lease.abandon();
    }
    await this.queue.close();
  }

  async list(status: string, tenantId: string | null, page: number, perPage: number): Promise<{ rows: JobView[]; total: number }> {
    const jobs = (await this.queue.getJobs([status as 'failed'], 0, 999)).filter((j) => j && (!tenantId || (j.data as Payload).tenantId === tenantId));
    const rows = jobs.slice((page - 1) * perPage, page * perPage).map((j) => this.view(j, status));
    return { rows, total: jobs.length };
  }

  async retry(id: string, tenantId: string | null): Promise<boolean> {
    const job = await Job.fromId(this.queue, id);
    if (!job || (tenantId && (job.data as Payload).tenantId !== tenantId) || !(await job.isFailed())) return false;
    // From its first attempt again, as on the database queue.
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  private view(j: Job, status: string): JobView {
    return {
      id: j.id!, name: j.name, tenantId: (j.data as Payload).tenantId, data: (j.data as Payload).data, status: status as JobView['status'],
      attempts: startedAttempts(j), maxAttempts: j.opts.attempts ?? 1, lastError: j.failedReason ?? null,
      createdAt: new Date(j.timestamp).toISOString(), finishedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
    };
  }
}
