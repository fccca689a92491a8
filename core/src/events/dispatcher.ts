import type { Knex } from 'knex';
import type { DomainEvent } from '@mpanel/sdk';
import type { Logger } from '../logger.ts';
import { applyTenantContext } from '../tenancy/context.ts';
import { runInExecution, systemExecution } from '../plugins/execution-scope.ts';
import type { EventBus } from './event-bus.ts';
import { WakeableLoop } from './wakeable-loop.ts';

export interface OutboxRow {
  id: string;
  tenant_id: string | null;
  name: string;
  source: string;
  payload: unknown;
  created_at: Date;
}

/** Extra fan-out targets per event (outgoing webhooks), written in the fan-out transaction. */
export type Fanout = (trx: Knex.Transaction, event: OutboxRow) => Promise<void>;

export interface DispatcherOptions {
  /** First retry delay; doubles per attempt, capped at an hour. */
  retryBaseMs?: number;
  /** Answers whether an owner's subscribers run for a tenant, and whether the owner is active. */
  isEnabled(owner: string, tenantId: string | null, trx: Knex.Transaction): Promise<boolean>;
  isActive(owner: string): boolean;
}

const BATCH = 200;

/**
 * Delivers outbox events after commit, at least once, per subscriber. Step 1 (fan-out) turns each
 * undispatched event into one delivery row per subscriber; step 2 runs due deliveries, each in its
 * own transaction that also marks it delivered — so a handler's database effects and the
 * "delivered" mark commit together, and a crash anywhere means a redelivery, never a loss. Rows are
 * claimed with SKIP LOCKED, so several instances share the work.
 */
export class EventDispatcher {
  readonly loop: WakeableLoop;
  private readonly fanouts: Fanout[] = [];
  private readonly afterFanOut: Array<() => void> = [];

  constructor(
    private readonly knex: Knex,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions,
  ) {
    this.loop = new WakeableLoop(() => this.work(), (err) => this.logger.error({ err }, 'event dispatcher failed'));
  }

  /** `fanout` runs in the fan-out transaction; `afterCommit` once it has committed (wake the worker). */
  addFanout(fanout: Fanout, afterCommit?: () => void): void {
    this.fanouts.push(fanout);
    if (afterCommit) this.afterFanOut.push(afterCommit);
  }

  private async work(): Promise<number | null> {
    let fanned = 0;
    for (let n = BATCH; n === BATCH; fanned += n) n = await this.fanOut();
    if (fanned) for (const cb of this.afterFanOut) cb();
    while (await this.deliverOne()) { /* drain */ }
    const next = (await this.knex('event_deliveries').where({ status: 'pending' }).min({ at: 'next_attempt_at' }).first()) as { at: Date | null } | undefined;
    return next?.at ? new Date(next.at).getTime() : null;
  }

  private async fanOut(): Promise<number> {
    return this.knex.transaction(async (trx) => {
      const events = (await trx('outbox_events').whereNull('dispatched_at').orderBy('created_at').limit(BATCH).forUpdate().skipLocked()) as OutboxRow[];
      if (!events.length) return 0;
      const rows = events.flatMap((e) => this.bus.subscribersOf(e.name).map((s) => ({ event_id: e.id, tenant_id: e.tenant_id, subscriber: s.id, max_attempts: s.maxAttempts })));
      for (let i = 0; i < rows.length; i += 500) await trx('event_deliveries').insert(rows.slice(i, i + 500)).onConflict(['event_id', 'subscriber']).ignore();
      for (const fanout of this.fanouts) for (const e of events) await fanout(trx, e);
      await trx('outbox_events').whereIn('id', events.map((e) => e.id)).update({ dispatched_at: trx.fn.now() });
      return events.length;
    });
  }

  /** Claims and runs one due delivery; false when none is due. */
  private async deliverOne(): Promise<boolean> {
    let failure: { id: string; attempts: number; maxAttempts: number; error: string } | undefined;
    const afterCommit: Array<() => void | Promise<void>> = [];
    const found = await this.knex.transaction(async (trx) => {
      const d = (await trx('event_deliveries')
        .where({ status: 'pending' })
        .where('next_attempt_at', '<=', trx.fn.now())
        .orderBy('next_attempt_at')
        .first('id', 'event_id', 'subscriber', 'attempts', 'max_attempts', 'tenant_id')
        .forUpdate()
        .skipLocked()) as { id: string; event_id: string; subscriber: string; attempts: number; max_attempts: number; tenant_id: string | null } | undefined;
      if (!d) return false;
      const sub = this.bus.subscriber(d.subscriber);
      if (!sub || !this.options.isActive(sub.owner)) {
        // Its plugin is not running (failed, removed): keep the delivery for when it is back.
        await trx('event_deliveries').where({ id: d.id }).update({ next_attempt_at: new Date(Date.now() + 60_000), last_error: 'subscriber not active' });
        return true;
      }
      if (!(await this.options.isEnabled(sub.owner, d.tenant_id, trx))) {
        await trx('event_deliveries').where({ id: d.id }).update({ status: 'skipped' });
        return true;
      }
      const row = (await trx('outbox_events').where({ id: d.event_id }).first()) as OutboxRow;
      const attempt = d.attempts + 1;
      // Marked first, as the owner; the handler then runs as the app role in the same transaction.
      await trx('event_deliveries').where({ id: d.id }).update({ status: 'delivered', attempts: attempt, delivered_at: trx.fn.now(), last_error: null });
      const event: DomainEvent = { id: row.id, name: row.name, tenantId: row.tenant_id, payload: row.payload, source: row.source, occurredAt: new Date(row.created_at).toISOString() };
      await trx.raw('savepoint handler');
      try {
        await applyTenantContext(trx, d.tenant_id ?? undefined);
        const log = this.logger.child({ plugin: sub.owner, event: row.name, eventId: row.id });
        await runInExecution(systemExecution(d.tenant_id, trx, afterCommit), () =>
          sub.handler(event, { eventId: row.id, tenantId: row.tenant_id, attempt, trx, logger: log }),
        );
      } catch (err) {
        await trx.raw('rollback to savepoint handler');
        failure = { id: d.id, attempts: attempt, maxAttempts: d.max_attempts, error: err instanceof Error ? err.message : String(err) };
      }
      if (failure) await this.recordFailure(trx, failure);
      return true;
    });
    if (!failure) for (const cb of afterCommit) await Promise.resolve(cb()).catch((err: unknown) => this.logger.error({ err }, 'after-commit callback failed'));
    return found;
  }

  private async recordFailure(trx: Knex.Transaction, f: { id: string; attempts: number; maxAttempts: number; error: string }): Promise<void> {
    // The savepoint rollback restored the owner role and the pending status.
    const dead = f.attempts >= f.maxAttempts;
    const delay = Math.min((this.options.retryBaseMs ?? 1000) * 2 ** (f.attempts - 1), 3_600_000);
    await trx('event_deliveries').where({ id: f.id }).update({
      status: dead ? 'dead' : 'pending',
      attempts: f.attempts,
      last_error: f.error.slice(0, 2000),
      delivered_at: null,
      next_attempt_at: new Date(Date.now() + delay),
    });
    this.logger.warn({ delivery: f.id, attempt: f.attempts, dead, err: f.error }, 'event delivery failed');
  }
}
