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

/** A handler threw in an optimistic group: roll it back and run the group isolated. */
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
 * Delivers outbox events after commit, at least once, per subscriber. Step 1 (fan-out, owner pool)
 * turns undispatched events into one delivery row per subscriber. Step 2 finds a batch of due
 * deliveries across tenants (owner pool, SKIP LOCKED: rows another instance is running are left to
 * it) and runs them per tenant: for each tenant of the batch ONE transaction on the app pool
 * (`appKnex`, logged in as the app role on PostgreSQL) with that tenant's context (none for
 * platform events) locks its deliveries (SKIP LOCKED, under row-level security), runs their
 * handlers (optimistically; a failure reruns that tenant's group with a savepoint per handler) and
 * marks them with one UPDATE per outcome. So a handler can neither leave its tenant (`RESET ROLE`
 * stays the app role) nor touch the bookkeeping of another tenant.
 * A handler's database effects and its "delivered" mark commit together; a failing handler rolls
 * back to its savepoint (only its own effects and events are undone) and is retried with backoff;
 * a crash anywhere means the tenant's group is delivered again, never lost. Memory is bounded by
 * the batch sizes, however long the backlog.
 */
export class EventDispatcher {
  readonly loop: WakeableLoop;
  private readonly fanouts: Fanout[] = [];
  private readonly afterFanOut: Array<() => void> = [];
  private readonly batchSize: number;

  constructor(
    private readonly knex: Knex,
    private readonly appKnex: Knex,
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
   * Finds up to batchSize due deliveries (the owner pool: the only step that sees every tenant)
   * and delivers them tenant by tenant; returns how many were found. The lock taken here ends
   * with the statement: it only skips the rows another instance's tenant transaction holds.
   */
  private async deliverBatch(): Promise<number> {
    const { rows } = (await this.knex.raw(
      `SELECT id, tenant_id FROM event_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED`,
      [this.batchSize],
    )) as { rows: Array<{ id: string; tenant_id: string | null }> };
    const byTenant = new Map<string | null, string[]>();
    for (const r of rows) {
      const ids = byTenant.get(r.tenant_id);
      if (ids) ids.push(r.id);
      else byTenant.set(r.tenant_id, [r.id]);
    }
    for (const [tenantId, ids] of byTenant) await this.deliverTenant(tenantId, ids);
    return rows.length;
  }

  /**
   * First optimistically, every handler straight in the tenant's transaction (no savepoints: the
   * common case, all succeed, costs one round trip per handler less than two); if one throws, that
   * transaction is rolled back whole and the group runs again with a savepoint per handler, so
   * only the failing delivery is retried. Handlers are idempotent (at least once) anyway. Any
   * failure of the optimistic pass reruns isolated: a handler that swallowed a failed statement
   * leaves the transaction aborted without throwing, and only its savepoint shows it.
   */
  private async deliverTenant(tenantId: string | null, ids: string[]): Promise<void> {
    try {
      await this.deliverTenantOnce(tenantId, ids, false);
    } catch (err) {
      if (!(err instanceof HandlerFailed)) this.logger.warn({ err, tenantId }, 'event deliveries failed; running them isolated');
      await this.deliverTenantOnce(tenantId, ids, true);
    }
  }

  private async deliverTenantOnce(tenantId: string | null, ids: string[], isolated: boolean): Promise<void> {
    const afterCommit: Array<() => void | Promise<void>> = [];
    const failures: Failure[] = [];
    await this.appKnex.transaction(async (trx) => {
      // From here on the app role, bound to the tenant by row-level security: claiming, handlers, marks.
      await applyTenantContext(trx, tenantId ?? undefined);
      // Re-checked under the lock: another instance may have delivered one since it was found.
      const claimed = (await trx('event_deliveries as d')
        .join('outbox_events as e', 'e.id', 'd.event_id')
        .whereIn('d.id', ids)
        .where('d.status', 'pending')
        .where('d.next_attempt_at', '<=', trx.fn.now())
        .orderBy('d.next_attempt_at')
        .forUpdate('d')
        .skipLocked()
        .select('d.id', 'd.event_id', 'd.subscriber', 'd.attempts', 'd.max_attempts', 'd.tenant_id', 'e.name', 'e.source', 'e.payload', 'e.created_at')) as Claimed[];
      if (!claimed.length) return;
      const inactive: string[] = [];
      const skipped: string[] = [];
      const runnable: Array<{ d: Claimed; sub: Subscriber }> = [];
      for (const d of claimed) {
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
      // A handler may have changed the session's settings: the marks are made in the tenant's context again.
      if (runnable.length) await applyTenantContext(trx, tenantId ?? undefined);
      if (delivered.length) {
        await trx('event_deliveries').whereIn('id', delivered).update({ status: 'delivered', attempts: trx.raw('attempts + 1'), delivered_at: trx.fn.now(), last_error: null, updated_at: trx.fn.now() });
      }
      if (skipped.length) await trx('event_deliveries').whereIn('id', skipped).update({ status: 'skipped', updated_at: trx.fn.now() });
      if (inactive.length) await trx('event_deliveries').whereIn('id', inactive).update({ next_attempt_at: new Date(Date.now() + 60_000), last_error: 'subscriber not active' });
      if (failures.length) await this.recordFailures(trx, failures);
    });
    for (const cb of afterCommit) await Promise.resolve(cb()).catch((err: unknown) => this.logger.error({ err }, 'after-commit callback failed'));
  }

  /** One handler straight in the tenant's transaction; a failure rolls the whole group back (HandlerFailed). */
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
