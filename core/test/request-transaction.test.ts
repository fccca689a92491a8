import type { Knex } from 'knex';
import assert from 'node:assert/strict';
import { APP_ROLE, ok } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../src/testing/test-server.ts';
import type { CoreModule } from '../src/module.ts';
import { RequestTransaction } from '../src/db/request-transaction.ts';
import { beginWithTenant } from '../src/tenancy/context.ts';
import { createClientAccount, createTenantWithAdmin, createUser } from '../src/testing/auth.ts';

/** Routes that report what their (lazily opened) request transaction looks like from inside. */
const probeModule: CoreModule = {
  name: 'trx-probe',
  routes: () => [
    {
      method: 'GET',
      path: '/api/v1/trx-probe/context',
      public: true,
      handler: async (ctx) => {
        const trx = ctx.scope.resolve<Knex.Transaction>('trx');
        const [first, second] = await Promise.all([
          trx.raw(`select current_setting('app.tenant_id', true) as tenant, current_user as role, txid_current() as txid`),
          trx.raw('select txid_current() as txid'),
        ]);
        const row = first.rows[0] as { tenant: string; role: string; txid: string };
        return ok({ tenant: row.tenant, role: row.role, sameTransaction: String(row.txid) === String(second.rows[0].txid) });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/trx-probe/untouched',
      public: true,
      handler: () => ok({ fine: true }),
    },
    {
      method: 'POST',
      path: '/api/v1/trx-probe/rollback-with-error',
      public: true,
      handler: async (ctx) => {
        const trx = ctx.scope.resolve<Knex.Transaction>('trx');
        await trx.raw('insert into trx_probe_rows values (1)');
        await trx.rollback(new Error('rolled back by the handler'));
        return ok({});
      },
    },
  ],
};

describe('request transaction', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ modules: [probeModule] });
    await server.knex.raw('create table if not exists trx_probe_rows (n int)');
  });
  after(() => server?.close());
  beforeEach(() => server.knex.raw('delete from trx_probe_rows'));

  it('runs a route in one transaction as the app role with the tenant context set', async () => {
    const res = await server.request('GET', '/api/v1/trx-probe/context');
    assert.equal(res.status, 200);
    const tenant = (await server.knex('tenants').where({ slug: 'default' }).first()) as { id: string };
    assert.deepEqual(res.body.data, { tenant: tenant.id, role: APP_ROLE, sameTransaction: true });
  });

  it('answers a route that never queries', async () => {
    const res = await server.request('GET', '/api/v1/trx-probe/untouched');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { fine: true });
  });

  it('fails the request when the handler rolls back with an error, and keeps nothing', async () => {
    const res = await server.request('POST', '/api/v1/trx-probe/rollback-with-error');
    assert.equal(res.status, 500);
    const rows = await server.knex.raw('select count(*)::int as n from trx_probe_rows');
    assert.equal(rows.rows[0].n, 0);
  });

  it('an authenticated read begins with the session check; 401, 403 and 404 on the way release the transaction', async () => {
    const { token, tenant } = await createTenantWithAdmin(server);
    const client = await createUser(server, token, ['client'], { tenant: tenant.slug, clientId: await createClientAccount(server, token) });
    for (let i = 0; i < 3; i++) {
      assert.equal((await server.request('GET', '/api/v1/users', { token: client.token })).status, 403);
      assert.equal((await server.request('GET', `/api/v1/users/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { token })).status, 404);
      assert.equal((await server.request('GET', '/api/v1/users', { token: `${token}x` })).status, 401);
    }
    // Nothing was left open (PGlite has one connection: a leak would hang here).
    const list = await server.request('GET', '/api/v1/users?perPage=50', { token });
    assert.equal(list.status, 200);
    const listed = (list.body.data as Array<{ email: string; roles: string[] }>).map((u) => [u.email, u.roles]);
    assert.deepEqual(listed.find(([email]) => email === client.email), [client.email, ['client']]);
    if (process.env.TEST_DATABASE_URL) {
      // A background job's transaction can be between two statements at any moment; a leaked one
      // stays idle in transaction for good, so none may be left once such passing ones have ended.
      const idle = async () => (await server.knex.raw(`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`)).rows[0].n as number;
      let open = await idle();
      for (let tries = 0; open > 0 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        open = await idle();
      }
      assert.equal(open, 0);
    }
  });

  describe('RequestTransaction', () => {
    const tenantBegin = () => beginWithTenant(undefined);

    it('begins on the first query only, commits what it wrote, and refuses queries afterwards', async () => {
      const tx = new RequestTransaction(server.knex, tenantBegin(), undefined);
      const trx = tx.transaction;
      assert.equal(tx.isOpen, false);
      await trx.raw('insert into trx_probe_rows values (7)');
      assert.equal(tx.isOpen, true);
      // Not visible outside before COMMIT (PGlite has one connection: only check on PostgreSQL).
      if (process.env.TEST_DATABASE_URL) {
        const outside = await server.knex.raw('select count(*)::int as n from trx_probe_rows');
        assert.equal(outside.rows[0].n, 0);
      }
      await tx.end();
      assert.equal(tx.isCompleted, true);
      const rows = await server.knex.raw('select n from trx_probe_rows');
      assert.deepEqual(rows.rows, [{ n: 7 }]);
      await assert.rejects(trx.raw('select 1'), /already complete/);
    });

    it('commits nothing and takes no connection when it was never used', async () => {
      const tx = new RequestTransaction(server.knex, tenantBegin(), undefined);
      await tx.end();
      assert.equal(tx.isOpen, false);
      assert.equal(tx.isCompleted, true);
    });

    it('rolls back everything on rollback, savepoints included', async () => {
      const tx = new RequestTransaction(server.knex, tenantBegin(), undefined);
      const trx = tx.transaction;
      await trx.raw('insert into trx_probe_rows values (1)');
      await trx.transaction(async (inner) => {
        await inner.raw('insert into trx_probe_rows values (2)');
      });
      await trx
        .transaction(async (inner) => {
          await inner.raw('insert into trx_probe_rows values (3)');
          throw new Error('undo 3');
        })
        .catch(() => undefined);
      const inside = await trx.raw('select n from trx_probe_rows order by n');
      assert.deepEqual(inside.rows, [{ n: 1 }, { n: 2 }]);
      await tx.rollback();
      const rows = await server.knex.raw('select count(*)::int as n from trx_probe_rows');
      assert.equal(rows.rows[0].n, 0);
    });

    it('goes through a wrapped commit of the knex object, as code that hooks commit expects', async () => {
      const tx = new RequestTransaction(server.knex, tenantBegin(), undefined);
      const trx = tx.transaction;
      const commit = trx.commit.bind(trx);
      trx.commit = (async (value?: unknown) => {
        await trx.raw('insert into trx_probe_rows values (42)');
        return commit(value);
      }) as never;
      await tx.end();
      const rows = await server.knex.raw('select n from trx_probe_rows');
      assert.deepEqual(rows.rows, [{ n: 42 }]);
    });

    it('accepts only a UUID as tenant id in the BEGIN text', () => {
      assert.throws(() => beginWithTenant("x'; drop table users; --"), /UUID/);
      assert.match(beginWithTenant('0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e'), /^BEGIN; select set_config\('app\.tenant_id', '0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e', true\)/);
    });
  });
});
