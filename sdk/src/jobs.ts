import type { Knex } from 'knex';
import type { PluginLogger } from './logger.ts';

export interface JobContext<T = unknown> {
  id: string;
  /** The name given to `define`. */
  name: string;
  data: T;
  tenantId: string | null;
  /** 1 on the first run. */
  attempt: number;
  logger: PluginLogger;
  /**
   * Fires when this run must stop: its `timeoutMs` passed, its lease was lost (another worker may
   * take the job over), or the worker is shutting down and could not wait for it. Long work checks
   * it between steps or passes it on (`fetch(url, { signal: job.signal })`). Once it fires, the
   * run counts as failed whatever the handler returns later; its reason says why.
   */
  signal: AbortSignal;
  /** A transaction with this job's tenant context (system principal). Keep I/O to providers outside it. */
  transaction<R>(fn: (trx: Knex.Transaction) => Promise<R>): Promise<R>;
}

export type JobHandler<T = unknown> = (job: JobContext<T>) => unknown | Promise<unknown>;

export interface JobDefinitionOptions {
  /** Runs before the job is listed as failed (default 5). */
  attempts?: number;
  /** First retry delay; doubles each attempt (default 1000 ms). */
  backoffMs?: number;
  /**
   * How long a worker holds this job between heartbeats (default: the queue's, JOB_LEASE_MS,
   * 60 s). While the job runs its worker renews the lease every third of it, so a job may run
   * longer than its lease; if the worker dies, another takes the job over once the lease ends.
   * Shorter: a dead worker's job is retried sooner. On BullMQ the queue's lease applies to every job.
   */
  leaseMs?: number;
  /**
   * A run taking longer than this fails (and is retried like any failure); `signal` fires so the
   * handler can stop. Default: no limit.
   */
  timeoutMs?: number;
}

export interface EnqueueOptions {
  /**
   * Idempotency key: enqueueing the same key twice creates one job. Use it for anything that must
   * not run twice (`provision:<serviceId>`).
   */
  jobId?: string;
  delayMs?: number;
  /** Default: the current tenant. */
  tenantId?: string | null;
}

export interface ScheduleOptions {
  data?: unknown;
  tenantId?: string | null;
  /** IANA zone for the cron pattern (default UTC). */
  timezone?: string;
}

export interface PluginJobs {
  /** Declares a job handler (register phase). */
  define<T>(name: string, handler: JobHandler<T>, options?: JobDefinitionOptions): void;
  /**
   * Queues a job; returns its id. Inside a transaction (a request, an event handler, a job's
   * `transaction()`) the job is queued only if that transaction commits, on both backends
   * (with Redis it is held in the transaction and added to BullMQ after commit).
   */
  enqueue<T>(name: string, data: T, options?: EnqueueOptions): Promise<string>;
  /** Runs a defined job on a cron pattern (`0 3 * * *`), once per tick across every instance (register phase). */
  schedule(name: string, cron: string, options?: ScheduleOptions): void;
}
