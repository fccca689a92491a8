import assert from 'node:assert/strict';
import { definePlugin, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';

let plugin: PluginContext;
const crosser = definePlugin({
  manifest: { id: 'tenant-crosser-test', name: 'Tenant crosser (test)', version: '1.0.0', engines: { mpanel: '*' } },
  register(ctx) {
    plugin = ctx;
  },
});

describe('plugins cross tenants only through ctx.forEachTenant', () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let suspended: TenantWithAdmin;
  let disabled: TenantWithAdmin;
  before(async () => {
    server = await startTestServer({ plugins: { definitions: [crosser] } });
    a = await createTenantWithAdmin(server, { slug: 'cross-a' });
    b = await createTenantWithAdmin(server, { slug: 'cross-b' });
    suspended = await createTenantWithAdmin(server, { slug: 'cross-c' });
    disabled = await createTenantWithAdmin(server, { slug: 'cross-d' });
    await server.knex('tenants').where({ id: suspended.tenant.id }).update({ status: 'suspended' });
    const off = await server.request('POST', '/api/v1/plugins/tenant-crosser-test/disable', { token: disabled.token, body: {} });
    assert.equal(off.status, 200, JSON.stringify(off.body));
  });
  after(() => server?.close());

  it('gives a plugin no root database handle', () => {
    assert.equal('knex' in plugin.db, false);
    assert.equal((plugin.db as unknown as { knex?: unknown }).knex, undefined);
  });

  it('visits each active tenant where the plugin is enabled, once, as that tenant under row-level security', async () => {
    const visits: Array<{ id: string; slug: string; scope: string | null | undefined; users: string[]; index: number; total: number }> = [];
    const count = await plugin.forEachTenant(async (tenant) => {
      const users = await tenant.transaction(async (trx) => (await trx('users').distinct('tenant_id').pluck('tenant_id')) as string[]);
      visits.push({ id: tenant.id, slug: tenant.slug, scope: plugin.scope()?.tenantId, users, index: tenant.index, total: tenant.total });
    });
    const slugs = visits.map((v) => v.slug);
    assert.deepEqual(slugs, ['cross-a', 'cross-b', 'default'], 'active tenants with the plugin enabled, by slug; not the suspended or the disabled one');
    assert.equal(count, 3);
    assert.deepEqual(visits.slice(0, 2).map((v) => v.id), [a.tenant.id, b.tenant.id]);
    for (const v of visits) {
      assert.deepEqual(v.users, [v.id], `${v.slug} sees its own users only`);
      assert.equal(v.scope, v.id, 'the execution is the tenant');
    }
    assert.deepEqual(visits.map((v) => [v.index, v.total]), [[0, 3], [1, 3], [2, 3]]);
  });

  it('visits one tenant by slug, and none for a disabled or unknown one', async () => {
    const seen: string[] = [];
    assert.equal(await plugin.forEachTenant(async (t) => void seen.push(t.id), { slug: 'cross-b' }), 1);
    assert.deepEqual(seen, [b.tenant.id]);
    assert.equal(await plugin.forEachTenant(async () => assert.fail('not visited'), { slug: 'cross-d' }), 0);
    assert.equal(await plugin.forEachTenant(async () => assert.fail('not visited'), { slug: 'nope' }), 0);
  });
});
