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

interface Payload {
  tenantId: string | null;
  data: unknown;
}

const QUEUE = 'mpanel-jobs';

/** BullMQ refuses `:` in custom ids. */
const bullId = (id: string) => id.replace(/:/g, '|');

/**
 * The Redis backend: one BullMQ queue for every job, named `<plugin>.<job>`. Idempotency keys
 * become BullMQ job ids (a duplicate add is a no-op); cron schedules are BullMQ job schedulers,
 * which Redis makes run once across instances.
 */
export class BullJobQueue extends JobQueueBase implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly relay: BullRelay;

  /** `appKnex`: what handlers' transactions run on (the app role). */
  constructor(private readonly redis: RedisHandle, private readonly knex: Knex, private readonly logger: Logger, private readonly prefix = 'mpanel', private readonly appKnex: Knex = knex) {
    super();
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
    this.worker = new Worker<Payload>(
      QUEUE,
      async (job) => {
        const def = this.defs.jobs.get(job.name);
        if (!def) throw new Error(`Job "${job.name}" is not defined (plugin not active)`);
        return runJob(this.appKnex, def, { id: job.id!, data: job.data.data, tenantId: job.data.tenantId, attempt: job.attemptsMade + 1 }, this.logger as unknown as PluginLogger);
      },
      { connection: this.redis.duplicate(), prefix: this.prefix, concurrency: 4 },
    );
    this.relay.start();
    void this.relay.sweep(); // what a previous process held when it stopped
    this.worker.on('failed', (job, err) => this.logger.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'job failed'));
  }

  async stop(): Promise<void> {
    await this.relay.stop();
    await this.worker?.close();
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
    await job.retry('failed');
    return true;
  }

  private view(j: Job, status: string): JobView {
    return {
      id: j.id!, name: j.name, tenantId: (j.data as Payload).tenantId, data: (j.data as Payload).data, status: status as JobView['status'],
      attempts: j.attemptsMade, maxAttempts: j.opts.attempts ?? 1, lastError: j.failedReason ?? null,
      createdAt: new Date(j.timestamp).toISOString(), finishedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
    };
  }
}
