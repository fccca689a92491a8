import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import { WakeableLoop } from '../events/wakeable-loop.ts';
import { nextTick } from './cron.ts';
import type { JobDefinitions } from './job-queue.ts';

type Enqueue = (fullName: string, data: unknown, jobId: string, tenantId: string | null) => Promise<unknown>;

/**
 * Cron for the database queue, in its own loop: it sleeps until the next tick and only queues the
 * tick's job, so a tick is never late because the job slots are busy with long jobs. A tick is
 * claimed by moving `next_run_at` forward conditionally, so it runs once across instances (and
 * its job id, `cron@<tick>`, is one job even if two instances queued it).
 */
export class DatabaseCron {
  readonly loop: WakeableLoop;

  constructor(private readonly knex: Knex, private readonly defs: JobDefinitions, private readonly enqueue: Enqueue, logger: Logger) {
    this.loop = new WakeableLoop(() => this.tick(), (err) => logger.error({ err }, 'cron tick failed'));
  }

  /** Queues every due tick; returns when the next one is due. */
  private async tick(): Promise<number | null> {
    let next: number | null = null;
    for (const s of this.defs.schedules.values()) {
      const due = await this.tickOne(s.fullName, s.cron, s.options.timezone ?? 'UTC', s.options.data ?? {}, s.options.tenantId ?? null);
      if (due !== null) next = Math.min(next ?? due, due);
    }
    return next;
  }

  private async tickOne(name: string, cron: string, tz: string, data: unknown, tenantId: string | null): Promise<number | null> {
    await this.knex('job_schedules')
      .insert({ name, job: name, cron, timezone: tz, data: JSON.stringify(data), run_for_tenant_id: tenantId, next_run_at: nextTick(cron, new Date(), tz) })
      .onConflict('name')
      .ignore();
    const row = (await this.knex('job_schedules').where({ name }).first()) as { next_run_at: Date; cron: string } | undefined;
    if (!row) return null;
    if (row.cron !== cron) {
      const next = nextTick(cron, new Date(), tz);
      await this.knex('job_schedules').where({ name }).update({ cron, timezone: tz, next_run_at: next, updated_at: new Date() });
      return next.getTime();
    }
    const due = new Date(row.next_run_at);
    if (due.getTime() > Date.now()) return due.getTime();
    const next = nextTick(cron, new Date(), tz);
    // Whoever moves next_run_at on from this exact value owns the tick.
    const won = await this.knex('job_schedules').where({ name, next_run_at: due }).update({ next_run_at: next, updated_at: new Date() });
    if (won) await this.enqueue(name, data, `cron@${due.toISOString()}`, tenantId);
    return next.getTime();
  }
}
