import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EventHandler, SubscribeOptions } from '@mpanel/sdk';
import { currentExecution, dbFor } from '../plugins/execution-scope.ts';
import { OutboxBuffer, type OutboxInsert } from './outbox-buffer.ts';
import { MAX_TIMER_MS } from './deadline.ts';

export interface Subscriber {
  /** `<owner>:<event name>`; the delivery rows are keyed by it, so keep it stable. */
  id: string;
  owner: string;
  event: string;
  handler: EventHandler<unknown>;
  maxAttempts: number;
  /** Per run; undefined: the dispatcher's default. */
  timeoutMs: number | undefined;
}

export interface EmitInput {
  source: string;
  name: string;
  payload: unknown;
  tenantId?: string | null;
  trx?: Knex.Transaction;
}

export interface EmitManyInput {
  source: string;
  events: Array<{ name: string; payload: unknown; tenantId?: string | null }>;
  tenantId?: string | null;
  trx?: Knex.Transaction;
}

/**
 * The write side of the outbox and the subscriber list. An event emitted inside a transaction is
 * buffered and written when that transaction commits — one multi-row INSERT and one NOTIFY per
 * transaction, still inside it (see OutboxBuffer) — so it exists if and only if the change
 * commits. Outside any transaction it is written at once. The dispatcher delivers it after.
 */
export class EventBus {
  private readonly subscribers: Subscriber[] = [];
  private readonly buffer: OutboxBuffer;
  /** Called after an emitting transaction commits (the dispatcher's nudge). */
  onCommitted: () => void = () => undefined;

  constructor(private readonly knex: Knex) {
    this.buffer = new OutboxBuffer(knex.client.config.client === 'pg', () => this.onCommitted());
  }

  subscribe(owner: string, event: string, handler: EventHandler<unknown>, options: SubscribeOptions = {}): void {
    const id = `${owner}:${event}`;
    if (this.subscribers.some((s) => s.id === id)) throw new Error(`"${owner}" already subscribes to ${event}`);
    if (options.timeoutMs !== undefined && !(Number.isInteger(options.timeoutMs) && options.timeoutMs > 0 && options.timeoutMs <= MAX_TIMER_MS)) {
      throw new Error(`"${owner}" subscribes to ${event} with an invalid timeoutMs (a whole number of ms from 1 to ${MAX_TIMER_MS})`);
    }
    this.subscribers.push({ id, owner, event, handler, maxAttempts: options.maxAttempts ?? 8, timeoutMs: options.timeoutMs });
  }

  subscribersOf(event: string): Subscriber[] {
    return this.subscribers.filter((s) => s.event === event || s.event === '*');
  }

  subscriber(id: string): Subscriber | undefined {
    return this.subscribers.find((s) => s.id === id);
  }

  removeOwner(owner: string): void {
    for (let i = this.subscribers.length - 1; i >= 0; i--) if (this.subscribers[i]!.owner === owner) this.subscribers.splice(i, 1);
  }

  async emit(input: EmitInput): Promise<string> {
    const [id] = await this.emitMany({ source: input.source, events: [{ name: input.name, payload: input.payload }], tenantId: input.tenantId, trx: input.trx });
    return id!;
  }

  /** Several events in one go: ids are made here, so nothing waits on the database inside a transaction. */
  async emitMany(input: EmitManyInput): Promise<string[]> {
    const execTenant = currentExecution()?.tenantId ?? null;
    const defaultTenant = input.tenantId !== undefined ? input.tenantId : execTenant;
    const rows: OutboxInsert[] = input.events.map((e) => ({
      id: randomUUID(),
      tenant_id: e.tenantId !== undefined ? e.tenantId : defaultTenant,
      name: e.name,
      source: input.source,
      payload: JSON.stringify(e.payload ?? null),
    }));
    const db = dbFor(this.knex, input.trx);
    if (db.isTransaction) this.buffer.add(db as Knex.Transaction, rows);
    else {
      await this.buffer.write(this.knex, rows);
      this.onCommitted();
    }
    return rows.map((r) => r.id);
  }

  /** How many events `trx` holds unwritten; with `discardAfter`, a failed step's events are dropped. */
  checkpoint(trx: Knex.Transaction): number {
    return this.buffer.size(trx);
  }

  discardAfter(trx: Knex.Transaction, checkpoint: number): void {
    this.buffer.truncate(trx, checkpoint);
  }
}
