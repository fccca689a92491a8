import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import type { EventBus } from './event-bus.ts';
import { WakeableLoop } from './wakeable-loop.ts';
import { FairTenants } from './fair-tenants.ts';
import { TenantDelivery, type DeliveryGates, type DeliveryTuning } from './tenant-delivery.ts';

export interface OutboxRow {
  id: string;
  tenant_id: string | null;
  name: string;
  source: string;
  payload: unknown;
  created_at: Date;
}

/** Extra fan-out targets per batch of events (outgoing webhooks), written in the fan-out transaction. */
export type Fanout = (trx: Knex.Transaction, events: OutboxRow[]) => Promise<void>;

export interface DispatcherOptions extends DeliveryGates, Partial<DeliveryTuning> {
  /** Tenants served at once, each in its own transaction (default 4). */
  concurrency?: number;
  /** Wake-ups this soon after a cycle wait for its end, so a stream of commits is taken in batches (default 20 ms). */
  batchWindowMs?: number;
}

export const DEFAULT_DELIVERY_TUNING: DeliveryTuning = { retryBaseMs: 1000, handlerTimeoutMs: 30_000, tenantBatchSize: 100, sliceMs: 1000 };

/** Events fanned out per transaction. */
const FANOUT_BATCH = 500;

/**
 * Delivers outbox events after commit, at least once, per subscriber. Fan-out (owner pool) turns
 * undispatched events into one delivery row per subscriber. Delivery is per tenant and fair: up
 * to `concurrency` tenants are served at once, at most one turn per tenant at a time, the next
 * tenants taken round-robin (FairTenants) as soon as a turn ends, never waiting for the slowest
 * of a batch; each turn is one transaction of that tenant (TenantDelivery) bounded in size and
 * time. So one tenant's slow handler or huge backlog delays only that tenant. Memory is bounded
 * by the batch sizes, however long the backlog.
 */
export class EventDispatcher {
  readonly loop: WakeableLoop;
  private readonly fanouts: Fanout[] = [];
  private readonly afterFanOut: Array<() => void> = [];
  private readonly tenants: FairTenants;
  private readonly turns: TenantDelivery;
  private readonly concurrency: number;
  /** Tenants with a turn running on this instance (null: the platform). */
  private readonly serving = new Set<string | null>();

  constructor(
    private readonly knex: Knex,
    appKnex: Knex,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    options: DispatcherOptions,
  ) {
    const tuning: DeliveryTuning = { ...DEFAULT_DELIVERY_TUNING };
    for (const key of Object.keys(tuning) as Array<keyof DeliveryTuning>) if (options[key] !== undefined) tuning[key] = options[key];
    this.concurrency = options.concurrency ?? 4;
    this.tenants = new FairTenants(knex);
    this.turns = new TenantDelivery(appKnex, bus, logger, options, tuning);
    this.loop = new WakeableLoop(() => this.work(), (err) => this.logger.error({ err }, 'event dispatcher failed'), 30_000, options.batchWindowMs ?? 20);
  }

  /** `fanout` runs in the fan-out transaction; `afterCommit` once it has committed (wake the worker). */
  addFanout(fanout: Fanout, afterCommit?: () => void): void {
    this.fanouts.push(fanout);
    if (afterCommit) this.afterFanOut.push(afterCommit);
  }

  private async work(): Promise<number | null> {
    // Fan-out and delivery alternate, so a long backlog of new events does not delay due deliveries.
    for (;;) {
      const fanned = await this.fanOut();
      if (fanned) for (const cb of this.afterFanOut) cb();
      await this.startTurns();
      if (fanned < FANOUT_BATCH) break;
    }
    // Due rows of tenants being served wake the loop when their turn ends; this is the next retry.
    const next = (await this.knex('event_deliveries').where({ status: 'pending' }).where('next_attempt_at', '>', this.knex.fn.now()).min({ at: 'next_attempt_at' }).first()) as { at: Date | null } | undefined;
    return next?.at ? new Date(next.at).getTime() : null;
  }

  private async fanOut(): Promise<number> {
    return this.knex.transaction(async (trx) => {
      const events = (await trx('outbox_events').whereNull('dispatched_at').orderBy('created_at').limit(FANOUT_BATCH).forUpdate().skipLocked()) as OutboxRow[];
      if (!events.length) return 0;
      const rows = events.flatMap((e) => this.bus.subscribersOf(e.name).map((s) => ({ event_id: e.id, tenant_id: e.tenant_id, subscriber: s.id, max_attempts: s.maxAttempts })));
      for (let i = 0; i < rows.length; i += 1000) await trx('event_deliveries').insert(rows.slice(i, i + 1000)).onConflict(['event_id', 'subscriber']).ignore();
      for (const fanout of this.fanouts) await fanout(trx, events);
      await trx('outbox_events').whereIn('id', events.map((e) => e.id)).update({ dispatched_at: trx.fn.now() });
      return events.length;
    });
  }

  /** Fills the free slots with the next tenants' turns; each ends by waking the loop for the next. */
  private async startTurns(): Promise<void> {
    const tenants = await this.tenants.next(this.concurrency - this.serving.size, this.serving);
    for (const tenantId of tenants) {
      this.serving.add(tenantId);
      this.loop.track(this.turn(tenantId));
    }
  }

  private async turn(tenantId: string | null): Promise<void> {
    let claimed = 0;
    try {
      claimed = await this.turns.run(tenantId);
    } catch (err) {
      this.logger.error({ err, tenantId }, 'event deliveries failed; retried on the next cycle');
    } finally {
      this.serving.delete(tenantId);
    }
    // Nothing claimed: another instance holds the rows (or they were just done); its end or the poll brings them back.
    if (claimed) this.loop.wake();
  }
}
