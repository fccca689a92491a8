import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Knex } from 'knex';

// knex has no public way to build a transaction object around a connection it did not open
// itself; make-knex is what `knex.transaction()` uses for that (knex is pinned, see STACK-NOTES).
const makeKnex = createRequire(import.meta.url)('knex/lib/knex-builder/make-knex.js') as (client: Knex.Client) => Knex;

/** A pooled connection: pg's Client, or the PGlite instance (one connection). */
interface Connection {
  query(sql: string): Promise<unknown>;
  /** PGlite: `query` is one statement (extended protocol); `exec` takes several. */
  exec?(sql: string): Promise<unknown>;
}

/** Sends text as one simple-protocol query, so several statements cost one round trip. */
function send(conn: Connection, sql: string): Promise<unknown> {
  return conn.exec ? conn.exec(sql) : conn.query(sql);
}

/**
 * The request's transaction, opened on first use: a route that never touches the database pays
 * no BEGIN/COMMIT, and one that does pays a single round trip for BEGIN plus whatever `begin`
 * adds (the tenant context). BEGIN and COMMIT run on the pooled connection directly; the knex
 * transaction object handlers get (`transaction`) is built only when one asks for it and runs
 * every query on that connection. Works the same on PGlite (one connection) and pg.
 *
 * `begin` is sent as text (several statements, simple protocol): it must never contain input that
 * was not validated.
 */
export class RequestTransaction {
  private opened: Promise<Connection> | undefined;
  private begun: Promise<unknown[]> | undefined;
  private done = false;
  private knexTrx: Knex.Transaction | undefined;
  /** Set when code rolled back through the knex object: the request then fails with it. */
  private rejection: unknown;

  /** `tenantId`: the tenant whose context `begin` sets (checked by the transaction stage). */
  constructor(private readonly knex: Knex, private readonly begin: string, readonly tenantId: string | undefined) {}

  /** BEGIN has been sent (or is on its way). */
  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** Committed or rolled back: no more queries. */
  get isCompleted(): boolean {
    return this.done;
  }

  /** The knex transaction object for handlers; the connection is taken on its first query. */
  get transaction(): Knex.Transaction {
    return (this.knexTrx ??= this.makeTransaction());
  }

  /** The transaction's connection, beginning it on first call. */
  connection(): Promise<Connection> {
    if (this.done) return Promise.reject(new Error('The request transaction is already complete'));
    return (this.opened ??= this.open());
  }

  /**
   * Begins now and returns the results of the `begin` text's statements, BEGIN's included: a
   * caller that put its own query in there (the authentication guard) reads its rows here.
   */
  async start(): Promise<Array<{ rows: unknown[] }>> {
    await this.connection();
    return (await this.begun) as Array<{ rows: unknown[] }>;
  }

  /**
   * Ends the request's transaction: COMMIT if it was opened (a failed COMMIT throws). Goes through
   * the knex object's `commit` when one was built, so code that wraps it (the event outbox writes
   * its rows there) runs last inside the transaction, as with `knex.transaction()`; a rollback
   * asked for on the way (`trx.rollback(err)`) rejects with that error.
   */
  async end(): Promise<void> {
    if (this.knexTrx) await this.knexTrx.commit();
    else await this.commit();
    if (this.rejection !== undefined) throw this.rejection;
  }

  /** ROLLBACK if the transaction was opened; never throws (the request's own error matters). */
  rollback(): Promise<void> {
    return this.finish('ROLLBACK', false);
  }

  private commit(): Promise<void> {
    return this.finish('COMMIT', true);
  }

  private async open(): Promise<Connection> {
    const client = this.knex.client;
    const conn = (await client.acquireConnection()) as Connection;
    try {
      const sent = send(conn, this.begin);
      // pg answers several statements with an array of results, one with a single result.
      this.begun = sent.then((r) => (Array.isArray(r) ? r : [r]));
      this.begun.catch(() => undefined); // a failed BEGIN is reported through `sent`
      await sent;
      return conn;
    } catch (err) {
      await send(conn, 'ROLLBACK').catch(() => undefined);
      await client.releaseConnection(conn);
      throw err;
    }
  }

  private async finish(sql: 'COMMIT' | 'ROLLBACK', rethrow: boolean): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (!this.opened) return;
    let conn: Connection;
    try {
      conn = await this.opened;
    } catch {
      return; // BEGIN failed: the connection went back already and the query that needed it threw
    }
    try {
      await send(conn, sql);
    } catch (err) {
      if (rethrow) throw err;
    } finally {
      await this.knex.client.releaseConnection(conn);
    }
  }

  /**
   * What `knex.transaction()` builds (a client bound to one connection, wrapped by make-knex),
   * minus its promise machinery: the connection is this transaction's, opened lazily, and
   * commit/rollback belong to the request pipeline.
   */
  private makeTransaction(): Knex.Transaction {
    const root = this.knex.client as Knex.Client & Record<string, unknown>;
    const client = Object.create(Object.getPrototypeOf(root) as object) as Knex.Client & Record<string, unknown>;
    EventEmitter.call(client);
    for (const key of ['version', 'config', 'driver', 'connectionSettings', 'valueForUndefined', 'logger']) client[key] = root[key];
    client.transacting = true;
    // Queries still reach the root's listeners ('query', 'query-response', ...), as in a knex transaction.
    client.emit = function emit(this: EventEmitter, name: string, ...args: unknown[]) {
      EventEmitter.prototype.emit.call(this, name, ...args);
      return root.emit(name, ...args);
    } as never;
    client.acquireConnection = () => this.connection();
    client.releaseConnection = () => Promise.resolve();
    const trx = makeKnex(client) as Knex.Transaction & Record<string, unknown>;
    // What a nested `trx.transaction()` (a savepoint) needs of its outer knex Transaction.
    const outer = { _lastChild: Promise.resolve(), isCompleted: () => this.done, transactor: trx };
    const context = trx.context as unknown as Record<string, unknown> & { _transaction(c: unknown, o: unknown, outer: unknown): unknown };
    context.transaction = (container: unknown, options?: Knex.TransactionConfig) =>
      context._transaction(container, { doNotRejectOnRollback: true, ...options, userParams: {} }, outer);
    Object.assign(trx, {
      isTransaction: true,
      userParams: {},
      commit: () => this.commit(),
      // As knex's: a rollback with an error fails the request with it; without one it does not.
      rollback: (error?: unknown) => {
        if (error !== undefined) this.rejection ??= error;
        return this.rollback();
      },
      isCompleted: () => this.done,
      savepoint: (container: never, options?: Knex.TransactionConfig) => trx.transaction(container, options),
    });
    return trx;
  }
}
