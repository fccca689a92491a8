import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';

/** What a relayed job needs to be added to BullMQ later: the same arguments `queue.add` gets. */
export interface RelayedJob {
  id: string;
  name: string;
  tenantId: string | null;
  data: unknown;
  delayMs: number | undefined;
}

interface RelayRow {
  id: string;
  name: string;
  tenant_id: string | null;
  data: { data: unknown; delayMs?: number };
}

/** Rows younger than this belong to an after-commit push that is probably still under way. */
const GRACE_MS = 5_000;
const SWEEP_MS = 15_000;
const BATCH = 100;

/**
 * The transactional outbox for BullMQ: a job queued inside a transaction is first written to the
 * `jobs` table (status `relay`) in that transaction, then added to Redis after commit and the row
 * deleted. When Redis is down, or the process dies between commit and add, the row stays and the
 * sweep adds it later. BullMQ job ids are deterministic, so an add that happens twice is one job.
 */
export class BullRelay {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly knex: Knex,
    private readonly add: (job: RelayedJob) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Writes the job in `trx`; the caller pushes it after commit with `pushed`. */
  async hold(trx: Knex.Transaction, job: RelayedJob): Promise<void> {
    await trx('jobs')
      .insert({ id: job.id, name: job.name, tenant_id: job.tenantId, data: JSON.stringify({ data: job.data ?? null, delayMs: job.delayMs }), status: 'relay' })
      .onConflict('id')
      .ignore();
  }

  /** After commit: add to Redis, then forget the row. A failure leaves the row for the sweep. */
  async push(job: RelayedJob): Promise<void> {
    try {
      await this.add(job);
      await this.knex('jobs').where({ id: job.id, status: 'relay' }).delete();
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err), job: job.name }, 'job kept for the relay: Redis did not take it');
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Adds every relay row older than the grace period; stops at the first add Redis refuses. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    try {
      for (;;) {
        const rows = (await this.knex('jobs')
          .where({ status: 'relay' })
          .andWhere('created_at', '<', new Date(Date.now() - GRACE_MS))
          .orderBy('created_at')
          .limit(BATCH)) as RelayRow[];
        for (const r of rows) {
          await this.add({ id: r.id, name: r.name, tenantId: r.tenant_id, data: r.data.data, delayMs: r.data.delayMs });
          await this.knex('jobs').where({ id: r.id, status: 'relay' }).delete();
        }
        if (rows.length < BATCH) return;
      }
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'job relay: Redis not reachable, trying again later');
    }
  }
}
