import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { withTenant } from '../../src/tenancy/with-tenant.ts';
import { createTenantWithAdmin } from '../../src/testing/auth.ts';

/** Shared rows (`tenant_id` NULL) are read by every tenant and changed by none. */
describe('shared rows are read-only to a tenant\'s context', () => {
  let server: TestServer;
  let tenantId: string;
  before(async () => {
    server = await startTestServer();
    tenantId = (await createTenantWithAdmin(server, { slug: 'shared-rows' })).tenant.id;
  });
  after(() => server?.close());

  const count = async (table: string) => Number((await server.knex(table).whereNull('tenant_id').count({ n: '*' }))[0]!.n);

  it('a tenant sees the system roles but can neither delete them nor take them over', async () => {
    const { appKnex } = server.running.platform.container.cradle;
    const roles = await count('roles');
    const grants = await count('role_permissions');
    assert.ok(roles > 0, 'the system roles are shared rows');
    const seen = await withTenant(appKnex, tenantId, (_db, trx) => trx('roles').whereNull('tenant_id').select('id'));
    assert.equal(seen.length, roles, 'readable');
    const changed = await withTenant(appKnex, tenantId, async (_db, trx) => [
      await trx('role_permissions').whereNull('tenant_id').delete(),
      await trx('roles').whereNull('tenant_id').update({ tenant_id: tenantId }),
      await trx('roles').whereNull('tenant_id').update({ level: 0 }),
      await trx('roles').whereNull('tenant_id').delete(),
    ]);
    assert.deepEqual(changed, [0, 0, 0, 0]);
    assert.equal(await count('roles'), roles);
    assert.equal(await count('role_permissions'), grants);
    assert.equal(Number((await server.knex('roles').whereNull('tenant_id').where({ level: 0 }).count({ n: '*' }))[0]!.n), 1, 'only super_admin has level 0');
  });
});
