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
  /** A transaction with this job's tenant context (system principal). Keep I/O to providers outside it. */
  transaction<R>(fn: (trx: Knex.Transaction) => Promise<R>): Promise<R>;
}

export type JobHandler<T = unknown> = (job: JobContext<T>) => unknown | Promise<unknown>;

export interface JobDefinitionOptions {
  /** Runs before the job is listed as failed (default 5). */
  attempts?: number;
  /** First retry delay; doubles each attempt (default 1000 ms). */
  backoffMs?: number;
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
   * Queues a job; returns its id. In embedded mode the job is written in the current transaction
   * (queued only if it commits); with Redis (BullMQ) it is queued at once.
   */
  enqueue<T>(name: string, data: T, options?: EnqueueOptions): Promise<string>;
  /** Runs a defined job on a cron pattern (`0 3 * * *`), once per tick across every instance (register phase). */
  schedule(name: string, cron: string, options?: ScheduleOptions): void;
}
