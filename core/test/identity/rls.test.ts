import assert from 'node:assert/strict';
import { createTenantTable } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { withTenant } from '../../src/tenancy/with-tenant.ts';

/**
 * Platform tables whose tenant_id is an argument rather than ownership. Each entry needs a reason.
 * (None: job_schedules names the tenant a cron job runs for in `run_for_tenant_id`.)
 */
const PLATFORM_TABLES = new Set<string>([]);

/** Every table with a tenant_id column: core's, plugins', and the probe table below. */
async function tenantTables(server: TestServer): Promise<string[]> {
  const rows = await server.knex('information_schema.columns').where({ table_schema: 'public', column_name: 'tenant_id' }).select('table_name');
  return rows.map((r: { table_name: string }) => r.table_name).filter((t: string) => !PLATFORM_TABLES.has(t)).sort();
}

/** knex answers a count on pg and a result object on PGlite for some statements. */
function affected(result: unknown): number {
  if (typeof result === 'number') return result;
  const r = result as { rowCount?: number; affectedRows?: number };
  return r.rowCount ?? r.affectedRows ?? 0;
}

describe('row-level security (lock 2) on every tenant table', () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  before(async () => {
    server = await startTestServer();
    // A plugin-style table made with the SDK helper must get the same protection.
    await createTenantTable(server.knex, 'rls_probe_things', (t) => t.text('label'));
    a = await createTenantWithAdmin(server, { slug: 'rls-a' });
    b = await createTenantWithAdmin(server, { slug: 'rls-b' });
    for (const t of [a, b]) {
      await createUser(server, t.token, ['support'], { tenant: t.tenant.slug });
      await server.request('POST', '/api/v1/api-keys', { token: t.token, body: { name: 'k', permissions: ['users.read'] } });
      await server.request('POST', '/api/v1/roles', { token: t.token, body: { name: 'custom', level: 3, permissions: ['users.read'] } });
      await server.request('PATCH', `/api/v1/tenants/${t.tenant.id}`, { token: t.token, body: { domains: [`${t.tenant.slug}.example.test`] } });
      await server.knex('rls_probe_things').insert({ tenant_id: t.tenant.id, label: t.tenant.slug });
    }
  });
  after(() => server?.close());

  it('forces row-level security with a policy on every tenant table', async () => {
    const tables = await tenantTables(server);
    assert.ok(tables.includes('users') && tables.includes('audit_logs') && tables.includes('rls_probe_things'));
    const { rows } = await server.knex.raw(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity, (select count(*) from pg_policy p where p.polrelid = c.oid) as policies
       from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relname = any(?)`,
      [tables],
    );
    assert.equal(rows.length, tables.length);
    for (const r of rows) {
      assert.ok(r.relrowsecurity && r.relforcerowsecurity, `${r.relname} must force row-level security`);
      assert.ok(Number(r.policies) >= 1, `${r.relname} needs a policy`);
    }
  });

  it('inside tenant A, a raw select * returns no row of B, and writes to B rows or with B\'s id are refused', async () => {
    const tables = await tenantTables(server);
    let tablesWithBRows = 0;
    for (const table of tables) {
      const bRows = Number((await server.knex(table).where({ tenant_id: b.tenant.id }).count({ n: '*' }))[0]!.n);
      if (bRows > 0) tablesWithBRows++;
      await withTenant(server.knex, a.tenant.id, async (_db, trx) => {
        const { rows } = await trx.raw(`select * from "${table}"`);
        assert.ok(rows.every((r: { tenant_id: string | null }) => r.tenant_id !== b.tenant.id), `${table} leaks B's rows`);
        const updated = affected(await trx(table).where({ tenant_id: b.tenant.id }).update({ tenant_id: a.tenant.id }));
        assert.equal(updated, 0, `${table}: B's rows must be invisible to updates`);
        const deleted = affected(await trx(table).where({ tenant_id: b.tenant.id }).delete());
        assert.equal(deleted, 0, `${table}: B's rows must be invisible to deletes`);
      });
      await assert.rejects(
        withTenant(server.knex, a.tenant.id, (_db, trx) => trx.raw(`insert into "${table}" (tenant_id) values (?)`, [b.tenant.id])),
        (err: { code?: string }) => err.code === '42501',
        `${table}: an insert with B's tenant id must violate the policy`,
      );
      const after = Number((await server.knex(table).where({ tenant_id: b.tenant.id }).count({ n: '*' }))[0]!.n);
      assert.equal(after, bRows, `${table}: B's rows must be unchanged`);
    }
    assert.ok(tablesWithBRows >= 8, `the proof needs B data in most tables (had ${tablesWithBRows})`);
  });

  it('without a tenant context the app role sees nothing', async () => {
    await server.knex.transaction(async (trx) => {
      await trx.raw("select set_config('role', 'mpanel_app', true)");
      const { rows } = await trx.raw('select * from users');
      assert.equal(rows.length, 0);
    });
  });

  it('the tenant query helper (lock 1) scopes selects, updates, deletes and sets tenant_id on insert', async () => {
    await withTenant(server.knex, a.tenant.id, async (db) => {
      const [row] = await db.insert<{ tenant_id: string; label: string }>('rls_probe_things', { label: 'new', tenant_id: b.tenant.id });
      assert.equal(row!.tenant_id, a.tenant.id);
      const labels = (await db('rls_probe_things').orderBy('label').pluck('label')) as string[];
      assert.deepEqual(labels, ['new', 'rls-a']);
      assert.equal(await db('rls_probe_things').where({ label: 'rls-b' }).update({ label: 'x' }), 0);
    });
  });
});
