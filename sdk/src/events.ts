import type { Knex } from 'knex';
import type { PluginLogger } from './logger.ts';

/** A durable domain event as subscribers receive it: `<entity>.<pastTense>`, e.g. `invoice.paid`. */
export interface DomainEvent<T = unknown> {
  /** Unique per event: use it to make a handler idempotent (at-least-once delivery). */
  id: string;
  name: string;
  tenantId: string | null;
  payload: T;
  /** The plugin (or `core`) that emitted it. */
  source: string;
  occurredAt: string;
}

export interface EventHandlerContext {
  eventId: string;
  tenantId: string | null;
  /** 1 on the first delivery. */
  attempt: number;
  /**
   * The handler's transaction, with the event's tenant context applied and a system principal.
   * The delivery is marked done in this same transaction, so database effects happen exactly once.
   */
  trx: Knex.Transaction;
  logger: PluginLogger;
  /**
   * Aborted when the handler runs past its timeout. The delivery has then failed (its database
   * work is rolled back and `trx` refuses further queries) and will be retried: pass the signal to
   * `fetch` and other cancellable calls, and stop outside work when it fires.
   */
  signal: AbortSignal;
}

export type EventHandler<T = unknown> = (event: DomainEvent<T>, ctx: EventHandlerContext) => void | Promise<void>;

export interface EmitOptions {
  /** The transaction to write the event in; default: the current request's / job's / handler's one. */
  trx?: Knex.Transaction;
  /** Default: the current tenant. `null` for a platform-wide event. */
  tenantId?: string | null;
}

/** One event of an `emitMany` batch; `tenantId` overrides the batch's tenant. */
export interface EventInput<T = unknown> {
  name: string;
  payload: T;
  tenantId?: string | null;
}

export interface SubscribeOptions {
  /** Attempts before the delivery goes to the dead-letter list (default 8). */
  maxAttempts?: number;
  /**
   * How long one run of the handler may take (default 30 s, the platform's setting). Past it the
   * run counts as failed: its database work is rolled back, `ctx.signal` is aborted and the
   * delivery is retried with backoff.
   */
  timeoutMs?: number;
}

export interface PluginEvents {
  /**
   * Writes the event to the outbox in the current transaction (buffered, written just before it
   * commits); it is delivered after commit (and never if the transaction rolls back). The name must be declared in `manifest.events.emits`.
   * Returns the event id.
   */
  emit<T>(name: string, payload: T, options?: EmitOptions): Promise<string>;
  /**
   * Several events at once (batch code such as the billing run): same guarantees as `emit`.
   * Inside a transaction events are buffered and written together when it commits (one INSERT,
   * one NOTIFY), so `emit` in a loop is cheap too; `emitMany` also makes one INSERT outside one.
   * Every name must be declared. Returns the ids in order.
   */
  emitMany<T>(events: Array<EventInput<T>>, options?: EmitOptions): Promise<string[]>;
  /** Handles an event after commit, retried with backoff; not called for tenants where this plugin is disabled. */
  subscribe<T = unknown>(name: string, handler: EventHandler<T>, options?: SubscribeOptions): void;
}
