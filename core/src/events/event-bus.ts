import type { Knex } from 'knex';
import type { EventHandler, SubscribeOptions } from '@mpanel/sdk';
import { currentExecution, dbFor } from '../plugins/execution-scope.ts';

export interface Subscriber {
  /** `<owner>:<event name>`; the delivery rows are keyed by it, so keep it stable. */
  id: string;
  owner: string;
  event: string;
  handler: EventHandler<unknown>;
  maxAttempts: number;
}

export interface EmitInput {
  source: string;
  name: string;
  payload: unknown;
  tenantId?: string | null;
  trx?: Knex.Transaction;
}

/**
 * The write side of the outbox and the subscriber list. `emit` inserts the event in the caller's
 * transaction, so it exists if and only if the change commits; the dispatcher delivers it after.
 */
export class EventBus {
  private readonly subscribers: Subscriber[] = [];
  /** Called after an emitting transaction commits (the dispatcher's nudge). */
  onCommitted: () => void = () => undefined;

  constructor(private readonly knex: Knex) {}

  subscribe(owner: string, event: string, handler: EventHandler<unknown>, options: SubscribeOptions = {}): void {
    const id = `${owner}:${event}`;
    if (this.subscribers.some((s) => s.id === id)) throw new Error(`"${owner}" already subscribes to ${event}`);
    this.subscribers.push({ id, owner, event, handler, maxAttempts: options.maxAttempts ?? 8 });
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
    const exec = currentExecution();
    const tenantId = input.tenantId !== undefined ? input.tenantId : (exec?.tenantId ?? null);
    const db = dbFor(this.knex, input.trx);
    const [row] = (await db('outbox_events')
      .insert({ tenant_id: tenantId, name: input.name, source: input.source, payload: JSON.stringify(input.payload ?? null) })
      .returning('id')) as Array<{ id: string }>;
    // Other instances listen on PostgreSQL; NOTIFY is delivered only if this transaction commits.
    if (this.knex.client.config.client === 'pg') await db.raw(`select pg_notify('mpanel_outbox', '')`);
    if (exec && !input.trx) exec.afterCommit(() => this.onCommitted());
    else if (db === this.knex) this.onCommitted();
    return row!.id;
  }
}
