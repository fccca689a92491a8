import type { EnqueueOptions, JobDefinitionOptions, JobHandler, ScheduleOptions } from '@mpanel/sdk';
import { nextTick } from './cron.ts';

export interface JobView {
  id: string;
  name: string;
  tenantId: string | null;
  data: unknown;
  status: 'waiting' | 'active' | 'completed' | 'failed' | 'delayed';
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string | null;
  finishedAt: string | null;
}

export interface JobDefinition {
  /** `<owner>.<name>` */
  fullName: string;
  owner: string;
  handler: JobHandler<unknown>;
  attempts: number;
  backoffMs: number;
  /** Undefined: the queue's lease. */
  leaseMs: number | undefined;
  timeoutMs: number | undefined;
}

export interface ScheduleDefinition {
  fullName: string;
  cron: string;
  options: ScheduleOptions;
}

/**
 * One job interface, two backends: BullMQ when REDIS_URL is set, the database queue in embedded
 * mode. Handlers run with a system principal for the job's tenant, at least once: make them
 * idempotent (enqueue with a `jobId` for anything that must not be queued twice).
 */
export interface JobQueue {
  readonly kind: 'bullmq' | 'database';
  define(owner: string, name: string, handler: JobHandler<unknown>, options?: JobDefinitionOptions): void;
  enqueue(owner: string, name: string, data: unknown, options?: EnqueueOptions): Promise<string>;
  schedule(owner: string, name: string, cron: string, options?: ScheduleOptions): void;
  removeOwner(owner: string): void;
  /** Starts workers and schedulers. */
  start(): Promise<void>;
  /**
   * Takes no new jobs and waits for the running ones up to the stop grace; a job still running
   * then keeps its lease until it runs out (nothing is released that may still be running), and
   * another worker takes it over after that.
   */
  stop(): Promise<void>;
  /** Jobs of a tenant (null: every tenant) with a status. */
  list(status: string, tenantId: string | null, page: number, perPage: number): Promise<{ rows: JobView[]; total: number }>;
  /** Puts a failed job back in the queue; false if there is no such failed job for that tenant. */
  retry(id: string, tenantId: string | null): Promise<boolean>;
}

/** Longest timer Node keeps (a larger delay fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkMs(job: string, option: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 30 || value > MAX_TIMER_MS) throw new Error(`Job "${job}": ${option} must be a whole number of milliseconds from 30 to ${MAX_TIMER_MS} (got ${value})`);
}

/** Shared bookkeeping of both backends: definitions by full name. */
export class JobDefinitions {
  readonly jobs = new Map<string, JobDefinition>();
  readonly schedules = new Map<string, ScheduleDefinition>();

  define(owner: string, name: string, handler: JobHandler<unknown>, options: JobDefinitionOptions = {}): JobDefinition {
    const fullName = `${owner}.${name}`;
    if (this.jobs.has(fullName)) throw new Error(`Job "${fullName}" is already defined`);
    checkMs(fullName, 'leaseMs', options.leaseMs);
    checkMs(fullName, 'timeoutMs', options.timeoutMs);
    const def = { fullName, owner, handler, attempts: options.attempts ?? 5, backoffMs: options.backoffMs ?? 1000, leaseMs: options.leaseMs, timeoutMs: options.timeoutMs };
    this.jobs.set(fullName, def);
    return def;
  }

  get(owner: string, name: string): JobDefinition {
    const def = this.jobs.get(`${owner}.${name}`);
    if (!def) throw new Error(`Job "${owner}.${name}" is not defined (ctx.jobs.define it in register)`);
    return def;
  }

  schedule(owner: string, name: string, cron: string, options: ScheduleOptions = {}): void {
    const def = this.get(owner, name);
    this.schedules.set(def.fullName, { fullName: def.fullName, cron, options });
  }

  removeOwner(owner: string): void {
    for (const [k, d] of this.jobs) if (d.owner === owner) this.jobs.delete(k);
    for (const k of this.schedules.keys()) if (k.startsWith(`${owner}.`)) this.schedules.delete(k);
  }
}

/** What both backends share: the definitions of jobs and cron schedules, checked when declared. */
export abstract class JobQueueBase {
  protected readonly defs = new JobDefinitions();

  define(owner: string, name: string, handler: JobHandler<unknown>, options?: JobDefinitionOptions): void {
    this.defs.define(owner, name, handler, options);
  }

  schedule(owner: string, name: string, cron: string, options?: ScheduleOptions): void {
    nextTick(cron, new Date(), options?.timezone); // an invalid expression fails at register time
    this.defs.schedule(owner, name, cron, options);
  }

  removeOwner(owner: string): void {
    this.defs.removeOwner(owner);
  }
}
