import type { Knex } from 'knex';

export interface OutboxInsert {
  id: string;
  tenant_id: string | null;
  name: string;
  source: string;
  payload: string;
}

/** Rows per INSERT: 5 bindings each, far below PostgreSQL's 65,535. */
const CHUNK = 1000;

/** knex's transactor, with the fields this file relies on (public in knex's runtime, untyped). */
interface Transactor {
  parentTransaction?: Knex.Transaction;
  commit(value?: unknown): Promise<unknown>;
  rollback(error?: unknown): Promise<unknown>;
}

/**
 * Holds the events emitted in a transaction and writes them just before it commits: the
 * transactor's `commit` is wrapped on the first emit so the INSERT (and the NOTIFY that wakes
 * other instances) run inside the transaction, as its last statements. Rolled back → the buffer
 * is dropped with the transaction, nothing was written. A savepoint (nested knex transaction)
 * hands its events to the parent when released, so rolling back to it drops them too. If the
 * write fails, the whole transaction rolls back with that error: an event is never lost while
 * its change commits.
 */
export class OutboxBuffer {
  private readonly pending = new WeakMap<Knex.Transaction, OutboxInsert[]>();

  constructor(private readonly notify: boolean, private readonly afterCommit: () => void) {}

  add(trx: Knex.Transaction, rows: OutboxInsert[]): void {
    let list = this.pending.get(trx);
    if (!list) {
      list = [];
      this.pending.set(trx, list);
      this.wrapCommit(trx, list);
    }
    for (const row of rows) list.push(row);
  }

  size(trx: Knex.Transaction): number {
    return this.pending.get(trx)?.length ?? 0;
  }

  truncate(trx: Knex.Transaction, length: number): void {
    const list = this.pending.get(trx);
    if (list && list.length > length) list.length = length;
  }

  /**
   * One INSERT per CHUNK rows; on PostgreSQL the last one carries the NOTIFY that wakes other
   * instances, in the same statement (PGlite is one process: it is nudged in-process).
   */
  async write(db: Knex, rows: OutboxInsert[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const insert = db('outbox_events').insert(rows.slice(i, i + CHUNK));
      if (!this.notify || i + CHUNK < rows.length) await insert;
      else {
        const { sql, bindings } = insert.toSQL();
        await db.raw(`with written as (${sql}) select pg_notify('mpanel_outbox', '')`, bindings as Knex.RawBinding[]);
      }
    }
  }

  private wrapCommit(trx: Knex.Transaction, list: OutboxInsert[]): void {
    const t = trx as unknown as Transactor;
    const commit = t.commit.bind(t);
    const rollback = t.rollback.bind(t);
    const parent = t.parentTransaction;
    t.commit = async (value?: unknown) => {
      this.pending.delete(trx);
      if (parent) {
        // A savepoint being released: its events become the parent's, written at the real commit.
        if (list.length) this.add(parent, list);
        return commit(value);
      }
      try {
        await this.write(trx, list);
      } catch (err) {
        return rollback(err);
      }
      const result = await commit(value);
      if (list.length) this.afterCommit();
      return result;
    };
  }
}
