import type { Knex } from 'knex';
import type { DomainEvent } from '@mpanel/sdk';
import type { Logger } from '../logger.ts';
import { applyTenantContext } from '../tenancy/context.ts';
import { runInExecution, systemExecution } from '../plugins/execution-scope.ts';
import type { EventBus, Subscriber } from './event-bus.ts';
import { WakeableLoop } from './wakeable-loop.ts';

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

export interface DispatcherOptions {
  /** First retry delay; doubles per attempt, capped at an hour. */
  retryBaseMs?: number;
  /** Deliveries claimed and run per transaction (default 100). */
  batchSize?: number;
  /** Wake-ups this soon after a cycle wait for its end, so a stream of commits is taken in batches (default 20 ms). */
  batchWindowMs?: number;
  /** Answers whether an owner's subscribers run for a tenant, and whether the owner is active. */
  isEnabled(owner: string, tenantId: string | null, trx: Knex.Transaction): Promise<boolean>;
  isActive(owner: string): boolean;
}

/** Events fanned out per transaction. */
const FANOUT_BATCH = 500;

interface Claimed {
  id: string;
  event_id: string;
  subscriber: string;
  attempts: number;
  max_attempts: number;
  tenant_id: string | null;
  name: string;
  source: string;
  payload: unknown;
  created_at: Date;
}

/** A handler threw in an optimistic batch: roll it back and run the batch isolated. */
class HandlerFailed extends Error {
  constructor(cause: unknown) {
    super('event handler failed in a batch', { cause });
  }
}

interface Failure {
  id: string;
  attempts: number;
  dead: boolean;
  error: string;
  nextAt: Date;
}

/**
 * Delivers outbox events after commit, at least once, per subscriber. Step 1 (fan-out) turns
 * undispatched events into one delivery row per subscriber; step 2 claims a batch of due
 * deliveries (SKIP LOCKED, so several instances share the work) and runs their handlers in ONE
 * transaction (optimistically; a failure reruns the batch with a savepoint per handler), then
 * marks the batch with one UPDATE per outcome.
 * A handler's database effects and its "delivered" mark commit together; a failing handler rolls
 * back to its savepoint (only its own effects and events are undone) and is retried with backoff;
 * a crash anywhere means the whole batch is delivered again, never lost. Memory is bounded by the
 * batch sizes, however long the backlog.
 */
export class EventDispatcher {
  readonly loop: WakeableLoop;
  private readonly fanouts: Fanout[] = [];
  private readonly afterFanOut: Array<() => void> = [];
  private readonly batchSize: number;

  constructor(
    private readonly knex: Knex,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions,
  ) {
    this.batchSize = options.batchSize ?? 100;
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
      const delivered = await this.deliverBatch();
      if (fanned < FANOUT_BATCH && delivered < this.batchSize) break;
    }
    const next = (await this.knex('event_deliveries').where({ status: 'pending' }).min({ at: 'next_attempt_at' }).first()) as { at: Date | null } | undefined;
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

  /**
   * Claims up to batchSize due deliveries and runs them; returns how many were claimed. First
   * optimistically, every handler straight in the batch transaction (no savepoints: the common
   * case, all succeed, costs one round trip per handler less than two); if one throws, that
   * transaction is rolled back whole and the batch runs again with a savepoint per handler, so
   * only the failing delivery is retried. Handlers are idempotent (at least once) anyway.
   */
  private async deliverBatch(): Promise<number> {
    try {
      return await this.deliverBatchOnce(false);
    } catch (err) {
      if (!(err instanceof HandlerFailed)) throw err;
      return this.deliverBatchOnce(true);
    }
  }

  private async deliverBatchOnce(isolated: boolean): Promise<number> {
    const afterCommit: Array<() => void | Promise<void>> = [];
    const failures: Failure[] = [];
    const claimed = await this.knex.transaction(async (trx) => {
      const { rows } = (await trx.raw(
        `SELECT d.id, d.event_id, d.subscriber, d.attempts, d.max_attempts, d.tenant_id, e.name, e.source, e.payload, e.created_at
           FROM event_deliveries d JOIN outbox_events e ON e.id = d.event_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED`,
        [this.batchSize],
      )) as { rows: Claimed[] };
      if (!rows.length) return 0;
      // Decided before any handler runs: handlers switch the transaction to the app role and a tenant.
      const inactive: string[] = [];
      const skipped: string[] = [];
      const runnable: Array<{ d: Claimed; sub: Subscriber }> = [];
      for (const d of rows) {
        const sub = this.bus.subscriber(d.subscriber);
        // Its plugin is not running (failed, removed): keep the delivery for when it is back.
        if (!sub || !this.options.isActive(sub.owner)) inactive.push(d.id);
        else if (!(await this.options.isEnabled(sub.owner, d.tenant_id, trx))) skipped.push(d.id);
        else runnable.push({ d, sub });
      }
      const delivered: string[] = [];
      for (const { d, sub } of runnable) {
        if (!isolated) {
          await this.runDirect(trx, d, sub, afterCommit);
          delivered.push(d.id);
          continue;
        }
        const failure = await this.runHandler(trx, d, sub, afterCommit);
        if (failure) failures.push(failure);
        else delivered.push(d.id);
      }
      // Back to the owner role (handlers ran as the app role) to mark every tenant's rows.
      if (runnable.length) await trx.raw('SET LOCAL ROLE NONE');
      if (delivered.length) {
        await trx('event_deliveries').whereIn('id', delivered).update({ status: 'delivered', attempts: trx.raw('attempts + 1'), delivered_at: trx.fn.now(), last_error: null, updated_at: trx.fn.now() });
      }
      if (skipped.length) await trx('event_deliveries').whereIn('id', skipped).update({ status: 'skipped', updated_at: trx.fn.now() });
      if (inactive.length) await trx('event_deliveries').whereIn('id', inactive).update({ next_attempt_at: new Date(Date.now() + 60_000), last_error: 'subscriber not active' });
      if (failures.length) await this.recordFailures(trx, failures);
      return rows.length;
    });
    for (const cb of afterCommit) await Promise.resolve(cb()).catch((err: unknown) => this.logger.error({ err }, 'after-commit callback failed'));
    return claimed;
  }

  /** One handler straight in the batch transaction; a failure rolls the whole batch back (HandlerFailed). */
  private async runDirect(trx: Knex.Transaction, d: Claimed, sub: Subscriber, afterCommit: Array<() => void | Promise<void>>): Promise<void> {
    const mine: Array<() => void | Promise<void>> = [];
    try {
      await this.invoke(trx, d, sub, mine);
    } catch (err) {
      throw new HandlerFailed(err);
    }
    afterCommit.push(...mine);
  }

  /** The handler as the app role with the event's tenant, as a system execution of `trx`. */
  private async invoke(trx: Knex.Transaction, d: Claimed, sub: Subscriber, afterCommit: Array<() => void | Promise<void>>): Promise<void> {
    const event: DomainEvent = { id: d.event_id, name: d.name, tenantId: d.tenant_id, payload: d.payload, source: d.source, occurredAt: new Date(d.created_at).toISOString() };
    await applyTenantContext(trx, d.tenant_id ?? undefined);
    const log = this.logger.child({ plugin: sub.owner, event: d.name, eventId: d.event_id });
    await runInExecution(systemExecution(d.tenant_id, trx, afterCommit), () =>
      sub.handler(event, { eventId: d.event_id, tenantId: d.tenant_id, attempt: d.attempts + 1, trx, logger: log }),
    );
  }

  /** One handler inside a savepoint, as the app role with the event's tenant; undefined = success. */
  private async runHandler(trx: Knex.Transaction, d: Claimed, sub: Subscriber, afterCommit: Array<() => void | Promise<void>>): Promise<Failure | undefined> {
    const attempt = d.attempts + 1;
    const mine: Array<() => void | Promise<void>> = [];
    const emitted = this.bus.checkpoint(trx);
    await trx.raw('savepoint handler');
    try {
      await this.invoke(trx, d, sub, mine);
      await trx.raw('release savepoint handler');
      afterCommit.push(...mine);
      return undefined;
    } catch (err) {
      await trx.raw('rollback to savepoint handler');
      // Whatever the failed handler emitted is undone with the rest of its effects.
      this.bus.discardAfter(trx, emitted);
      const error = err instanceof Error ? err.message : String(err);
      const dead = attempt >= d.max_attempts;
      const delay = Math.min((this.options.retryBaseMs ?? 1000) * 2 ** (attempt - 1), 3_600_000);
      this.logger.warn({ delivery: d.id, attempt, dead, err: error }, 'event delivery failed');
      return { id: d.id, attempts: attempt, dead, error: error.slice(0, 2000), nextAt: new Date(Date.now() + delay) };
    }
  }

  private async recordFailures(trx: Knex.Transaction, failures: Failure[]): Promise<void> {
    await trx.raw(
      `UPDATE event_deliveries SET status = CASE WHEN f.dead THEN 'dead' ELSE 'pending' END, attempts = f.attempts, last_error = f.error,
              delivered_at = NULL, next_attempt_at = f.next_at, updated_at = now()
         FROM json_to_recordset(?::json) AS f(id uuid, attempts int, dead boolean, error text, next_at timestamptz)
        WHERE event_deliveries.id = f.id`,
      [JSON.stringify(failures.map((f) => ({ id: f.id, attempts: f.attempts, dead: f.dead, error: f.error, next_at: f.nextAt.toISOString() })))],
    );
  }
}
