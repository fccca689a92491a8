import type { Knex } from 'knex';
import type { DomainEvent } from '@mpanel/sdk';
import type { Logger } from '../logger.ts';
import { applyTenantContext } from '../tenancy/context.ts';
import { runInExecution, systemExecution } from '../plugins/execution-scope.ts';
import type { EventBus, Subscriber } from './event-bus.ts';
import { withDeadline } from './deadline.ts';

export interface DeliveryTuning {
  /** First retry delay; doubles per attempt, capped at an hour. */
  retryBaseMs: number;
  /** A handler run's time limit when its subscription names none. */
  handlerTimeoutMs: number;
  /** Deliveries one tenant's transaction claims at most. */
  tenantBatchSize: number;
  /** A tenant's transaction starts no further handler after this long; the rest wait their turn. */
  sliceMs: number;
}

export interface DeliveryGates {
  /** Whether an owner's subscribers run for a tenant. */
  isEnabled(owner: string, tenantId: string | null, trx: Knex.Transaction): Promise<boolean>;
  /** Whether the owner (a plugin) is running at all. */
  isActive(owner: string): boolean;
}

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

interface Failure {
  id: string;
  attempts: number;
  dead: boolean;
  error: string;
  nextAt: Date;
}

interface Outcome {
  delivered: string[];
  skipped: string[];
  inactive: string[];
  failures: Failure[];
}

type AfterCommit = Array<() => void | Promise<void>>;

/**
 * One turn of one tenant: ONE transaction on the app pool (logged in as the app role on
 * PostgreSQL) with the tenant's context (none for platform events) claims up to
 * `tenantBatchSize` of its due deliveries (SKIP LOCKED: rows another instance runs are left to
 * it), runs each handler in its own savepoint under a deadline, and marks every outcome. So a
 * handler can neither leave its tenant nor touch another tenant's bookkeeping; its database
 * effects and its "delivered" mark commit together; a failing or timed-out handler is rolled back
 * to its savepoint and retried alone, and the handlers that succeeded beside it are never run
 * again for this delivery. A crash anywhere rolls the turn back: delivered again, never lost.
 */
export class TenantDelivery {
  constructor(
    private readonly appKnex: Knex,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly gates: DeliveryGates,
    private readonly tuning: DeliveryTuning,
  ) {}

  /** Runs one turn of `tenantId` (null: platform events); returns how many deliveries it claimed. */
  async run(tenantId: string | null): Promise<number> {
    const afterCommit: AfterCommit = [];
    const claimed = await this.appKnex.transaction(async (trx) => {
      // From here on the app role, bound to the tenant by row-level security: claiming, handlers, marks.
      await applyTenantContext(trx, tenantId ?? undefined);
      const rows = await this.claim(trx, tenantId);
      if (rows.length) await this.limitStatements(trx, rows);
      const outcome: Outcome = { delivered: [], skipped: [], inactive: [], failures: [] };
      const started = Date.now();
      for (const d of rows) {
        // The rest stay pending (their locks end with this transaction): other tenants' turn first.
        if (Date.now() - started >= this.tuning.sliceMs) break;
        const sub = this.bus.subscriber(d.subscriber);
        // Its plugin is not running (failed, removed): keep the delivery for when it is back.
        if (!sub || !this.gates.isActive(sub.owner)) outcome.inactive.push(d.id);
        else if (!(await this.gates.isEnabled(sub.owner, d.tenant_id, trx))) outcome.skipped.push(d.id);
        else {
          const failure = await this.runHandler(trx, tenantId, d, sub, afterCommit);
          if (failure) outcome.failures.push(failure);
          else outcome.delivered.push(d.id);
        }
      }
      await this.mark(trx, outcome);
      return rows.length;
    });
    for (const cb of afterCommit) await Promise.resolve(cb()).catch((err: unknown) => this.logger.error({ err }, 'after-commit callback failed'));
    return claimed;
  }

  /** Locked under the tenant's context; the explicit tenant filter because shared (platform) rows are visible to every tenant. */
  private async claim(trx: Knex.Transaction, tenantId: string | null): Promise<Claimed[]> {
    const q = trx('event_deliveries as d')
      .join('outbox_events as e', 'e.id', 'd.event_id')
      .where('d.status', 'pending')
      .where('d.next_attempt_at', '<=', trx.fn.now());
    if (tenantId) q.where('d.tenant_id', tenantId);
    else q.whereNull('d.tenant_id');
    return (await q
      .orderBy('d.next_attempt_at')
      .limit(this.tuning.tenantBatchSize)
      .forUpdate('d')
      .skipLocked()
      .select('d.id', 'd.event_id', 'd.subscriber', 'd.attempts', 'd.max_attempts', 'd.tenant_id', 'e.name', 'e.source', 'e.payload', 'e.created_at')) as Claimed[];
  }

  /**
   * A handler past its timeout is rolled back, but a statement it is running holds the connection
   * until it ends (a lock wait, a slow query): PostgreSQL cancels any statement of this turn that
   * runs longer than the longest handler timeout of the turn. (PGlite runs one statement at a
   * time in-process and ignores it.)
   */
  private async limitStatements(trx: Knex.Transaction, rows: Claimed[]): Promise<void> {
    const longest = Math.max(...rows.map((d) => this.bus.subscriber(d.subscriber)?.timeoutMs ?? this.tuning.handlerTimeoutMs));
    await trx.raw(`select set_config('statement_timeout', ?, true)`, [String(longest)]);
  }

  /**
   * The handler in its own savepoint (a nested knex transaction, `sp`), given as its `trx` and its
   * execution's transaction. On failure or timeout `sp` is rolled back, which also completes it:
   * whatever a timed-out handler still sends through it is refused, and what it emits is dropped
   * with it. undefined = success.
   */
  private async runHandler(trx: Knex.Transaction, tenantId: string | null, d: Claimed, sub: Subscriber, afterCommit: AfterCommit): Promise<Failure | undefined> {
    const attempt = d.attempts + 1;
    const mine: AfterCommit = [];
    const sp = await trx.transaction();
    let statements = 0;
    const count = () => void statements++;
    sp.on('query', count);
    try {
      await withDeadline(`event handler ${sub.id}`, sub.timeoutMs ?? this.tuning.handlerTimeoutMs, (signal) => this.invoke(sp, d, sub, mine, signal));
      // After a handler that used the database, two jobs in one round trip: it fails if the
      // handler swallowed a failed statement (the savepoint is aborted, only a statement shows
      // it), and it puts back the tenant context a handler may have changed, for the next handler
      // and the marks. A handler that sent nothing can have done neither.
      if (statements) await applyTenantContext(sp, tenantId ?? undefined);
      await sp.commit();
      afterCommit.push(...mine);
      return undefined;
    } catch (err) {
      if (!sp.isCompleted()) await sp.rollback();
      const error = err instanceof Error ? err.message : String(err);
      const dead = attempt >= d.max_attempts;
      const delay = Math.min(this.tuning.retryBaseMs * 2 ** (attempt - 1), 3_600_000);
      this.logger.warn({ delivery: d.id, attempt, dead, err: error }, 'event delivery failed');
      return { id: d.id, attempts: attempt, dead, error: error.slice(0, 2000), nextAt: new Date(Date.now() + delay) };
    } finally {
      sp.off('query', count);
    }
  }

  /** The handler as a system execution of its savepoint, with the event's tenant. */
  private async invoke(sp: Knex.Transaction, d: Claimed, sub: Subscriber, afterCommit: AfterCommit, signal: AbortSignal): Promise<void> {
    const event: DomainEvent = { id: d.event_id, name: d.name, tenantId: d.tenant_id, payload: d.payload, source: d.source, occurredAt: new Date(d.created_at).toISOString() };
    const logger = this.logger.child({ plugin: sub.owner, event: d.name, eventId: d.event_id });
    await runInExecution(systemExecution(d.tenant_id, sp, afterCommit), () =>
      sub.handler(event, { eventId: d.event_id, tenantId: d.tenant_id, attempt: d.attempts + 1, trx: sp, logger, signal }),
    );
  }

  /** One statement per kind of outcome. */
  private async mark(trx: Knex.Transaction, o: Outcome): Promise<void> {
    if (o.delivered.length) {
      await trx('event_deliveries').whereIn('id', o.delivered).update({ status: 'delivered', attempts: trx.raw('attempts + 1'), delivered_at: trx.fn.now(), last_error: null, updated_at: trx.fn.now() });
    }
    if (o.skipped.length) await trx('event_deliveries').whereIn('id', o.skipped).update({ status: 'skipped', updated_at: trx.fn.now() });
    if (o.inactive.length) await trx('event_deliveries').whereIn('id', o.inactive).update({ next_attempt_at: new Date(Date.now() + 60_000), last_error: 'subscriber not active' });
    if (!o.failures.length) return;
    await trx.raw(
      `UPDATE event_deliveries SET status = CASE WHEN f.dead THEN 'dead' ELSE 'pending' END, attempts = f.attempts, last_error = f.error,
              delivered_at = NULL, next_attempt_at = f.next_at, updated_at = now()
         FROM json_to_recordset(?::json) AS f(id uuid, attempts int, dead boolean, error text, next_at timestamptz)
        WHERE event_deliveries.id = f.id`,
      [JSON.stringify(o.failures.map((f) => ({ id: f.id, attempts: f.attempts, dead: f.dead, error: f.error, next_at: f.nextAt.toISOString() })))],
    );
  }
}
