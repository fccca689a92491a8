import type { Knex } from 'knex';
import type Router from '@koa/router';
import type pg from 'pg';
import { APP_ROLE, ok } from '@mpanel/sdk';
import type { CoreRouteDefinition as RouteDefinition } from '../../../core/src/http/api-context.ts';
import type { BenchCase } from '../types.ts';
import { ITEM_SELECT, ITEM_SKU, ensureItems } from '../fixtures.ts';

const SKU_PARAMS = { type: 'object', required: ['sku'], properties: { sku: { type: 'string', pattern: '^SKU-\\d{6}$' } } };

/** The mPanel side: a public route through the normal pipeline (scope, guards, validation, transaction). */
function mpanelItemRoute(path: string, transaction: boolean): RouteDefinition {
  return {
    method: 'GET',
    path,
    public: true,
    transaction,
    schema: { params: SKU_PARAMS },
    handler: async (ctx) => {
      const db = transaction ? ctx.scope.resolve<Knex.Transaction>('trx') : ctx.scope.resolve<Knex>('knex');
      const { rows } = (await db.raw(ITEM_SELECT.replace('$1', '?'), [ctx.input.params.sku])) as { rows: unknown[] };
      return ok(rows[0]);
    },
  };
}

/** The bare side answering one indexed SELECT. */
function bareSelect(router: Router, pool: pg.Pool, path: string): void {
  router.get(path, async (ctx) => {
    const { rows } = await pool.query(ITEM_SELECT, [ctx.params.sku]);
    ctx.body = { data: rows[0] };
  });
}

/**
 * The headline comparison of the issue: bare Koa answering one indexed SELECT, mPanel answering
 * the same SELECT on an unauthenticated route through its whole chain.
 */
export const publicSelect: BenchCase = {
  name: 'public GET, one indexed SELECT',
  goal: 0.8,
  mpanelRoutes: [mpanelItemRoute('/api/v1/bench/items/:sku', true)],
  bareRoutes: (router, pool) => bareSelect(router, pool, '/items/:sku'),
  async prepare({ knex }) {
    await ensureItems(knex);
    return { bare: { path: `/items/${ITEM_SKU}` }, mpanel: { path: `/api/v1/bench/items/${ITEM_SKU}` } };
  },
};

/**
 * Diagnostic: the bare server sends the same statements as mPanel's transaction stage (BEGIN,
 * tenant context, SELECT, COMMIT), so the ratio is the cost of the framework alone.
 */
export const publicSelectSameSql: BenchCase = {
  name: 'public GET, same SQL on both (BEGIN, tenant context, SELECT, COMMIT)',
  diagnostic: true,
  bareRoutes(router, pool) {
    router.get('/tx-items/:sku', async (ctx) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`select set_config('app.tenant_id', $1, true), set_config('role', '${APP_ROLE}', true)`, ['']);
        const { rows } = await client.query(ITEM_SELECT, [ctx.params.sku]);
        await client.query('COMMIT');
        ctx.body = { data: rows[0] };
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    });
  },
  async prepare({ knex }) {
    await ensureItems(knex);
    return { bare: { path: `/tx-items/${ITEM_SKU}` }, mpanel: { path: `/api/v1/bench/items/${ITEM_SKU}` } };
  },
};

/** Diagnostic: mPanel's chain on a route with `transaction: false`, against the one-SELECT bare server. */
export const publicSelectNoTransaction: BenchCase = {
  name: 'public GET, one indexed SELECT, mPanel route without transaction',
  diagnostic: true,
  mpanelRoutes: [mpanelItemRoute('/api/v1/bench/items-nt/:sku', false)],
  bareRoutes: () => undefined,
  async prepare({ knex }) {
    await ensureItems(knex);
    return { bare: { path: `/items/${ITEM_SKU}` }, mpanel: { path: `/api/v1/bench/items-nt/${ITEM_SKU}` } };
  },
};
