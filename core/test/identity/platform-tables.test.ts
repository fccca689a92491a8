import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { withTenant } from '../../src/tenancy/with-tenant.ts';
import { APP_ROLE_PLATFORM_WRITES } from '../../src/db/platform-tables.ts';

/** Tables without tenant_id (no row-level security) are read-only to the request role, but the listed writes. */
describe('platform tables (no tenant_id) are read-only to the app role', () => {
  let server: TestServer;
  let tenantId: string;
  before(async () => {
    server = await startTestServer(); // with plugins/*: their migration tables too
    tenantId = (await server.knex('tenants').where({ slug: 'default' }).first()).id;
  });
  after(() => server?.close());

  it('grants the app role no write on them but the listed, explained ones', async () => {
    const { rows } = (await server.knex.raw(
      `select c.relname as name,
              array(select p from unnest(array['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p where has_table_privilege('mpanel_app', c.oid, p) order by p) as writes,
              has_table_privilege('mpanel_app', c.oid, 'SELECT') as reads
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
        order by 1`,
    )) as { rows: Array<{ name: string; writes: string[]; reads: boolean }> };
    const names = rows.map((r) => r.name);
    assert.ok(names.includes('tenants') && names.includes('job_schedules') && names.some((n) => n.startsWith('knex_migrations_')), names.join());
    const writable = Object.fromEntries(rows.filter((r) => r.writes.length).map((r) => [r.name, r.writes]));
    const expected = Object.fromEntries(Object.entries(APP_ROLE_PLATFORM_WRITES).map(([t, w]) => [t, [...w].sort()]));
    assert.deepEqual(writable, expected);
  });

  it('refuses a request\'s writes to them', async () => {
    const { appKnex } = server.running.platform.container.cradle;
    for (const statement of [
      `update permissions set description = 'taken'`,
      `delete from tenants`,
      `insert into job_schedules (name, job, cron, next_run_at) values ('evil', 'x', '* * * * *', now())`,
      `update knex_migrations set name = 'x'`,
      `delete from knex_migrations_billing`,
    ]) {
      await assert.rejects(
        withTenant(appKnex, tenantId, (_db, trx) => trx.raw(statement)),
        (err: { code?: string }) => err.code === '42501',
        statement,
      );
    }
    assert.ok((await server.knex('tenants').where({ slug: 'default' }).first()), 'nothing was deleted');
  });
});
