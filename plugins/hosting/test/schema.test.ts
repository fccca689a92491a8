import assert from 'node:assert/strict';
import { createTenantDb } from '@mpanel/sdk';
// eslint-disable-next-line no-restricted-imports
import { withTenant } from '../../../core/src/tenancy/with-tenant.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { startHostingServer, type TestServer } from './support/server.ts';
import { HostingAccount, ServerGroup, Server } from '../src/models/index.ts';

describe('hosting schema and models', function () {
  this.timeout(120_000);
  let server: TestServer;
  let close: () => Promise<void>;
  before(async () => ({ server, close } = await startHostingServer()));
  after(() => close?.());

  it('loads the plugin and creates every table with row-level security', async () => {
    const health = await server.request('GET', '/api/health');
    const hosting = (health.body.plugins as Array<{ id: string; status: string; error?: string }>).find((p) => p.id === 'hosting');
    assert.equal(hosting?.status, 'active', JSON.stringify(hosting));
    const tables = ['server_groups', 'servers', 'server_group_grants', 'hosting_plans', 'hosting_accounts', 'websites', 'hosting_databases', 'sftp_users', 'cron_jobs', 'provisioning_operations'];
    const { rows } = await server.knex.raw(`select relname from pg_class where relname = any(?) and relrowsecurity and relforcerowsecurity`, [tables]);
    assert.deepEqual(rows.map((r: { relname: string }) => r.relname).sort(), [...tables].sort());
  });

  it('models run on the tenant transaction: another tenant sees nothing, graphs load through relations', async () => {
    const a = await createTenantWithAdmin(server, { slug: 'schema-a' });
    const b = await createTenantWithAdmin(server, { slug: 'schema-b' });
    const { appKnex } = server.running.platform.container.cradle;
    const groupId = await withTenant(appKnex, a.tenant.id, async (_db, trx) => {
      const db = createTenantDb(trx, a.tenant.id);
      const group = await ServerGroup.insertFor(db, { name: 'web', placement: 'fill' });
      await Server.insertFor(db, { groupId: group.id, name: 'web1', hostname: 'web1.test', facts: { php: ['8.2'] } });
      return group.id;
    });
    await withTenant(appKnex, a.tenant.id, async (_db, trx) => {
      const group = await ServerGroup.scoped(createTenantDb(trx, a.tenant.id)).findById(groupId).withGraphFetched('servers');
      assert.equal(group?.servers?.[0]?.hostname, 'web1.test');
      assert.deepEqual(group?.servers?.[0]?.facts, { php: ['8.2'] });
    });
    // Lock 2 alone (no tenant filter in the query): row-level security still hides A's rows from B.
    await withTenant(appKnex, b.tenant.id, async (_db, trx) => {
      assert.equal(await ServerGroup.query(trx).findById(groupId), undefined);
      assert.equal((await Server.query(trx)).length, 0);
      assert.equal((await HostingAccount.query(trx)).length, 0);
    });
  });
});
