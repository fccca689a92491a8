import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
// eslint-disable-next-line no-restricted-imports
import { CLI, cliEnv, run, tempDataDir } from '../../../../core/test/support/cli-process.ts';
// eslint-disable-next-line no-restricted-imports
import { openDatabase, pgliteDir } from '../../../../core/src/db/connect.ts';
// eslint-disable-next-line no-restricted-imports
import { SecretBox } from '../../../../core/src/crypto/secret-box.ts';
// eslint-disable-next-line no-restricted-imports
import { parseKeys } from '../../../../core/src/crypto/keyring.ts';
import { FakeHestiaServer } from '../../../../test/fakes/hestia/server.ts';

/**
 * `mpanel hosting:import` as a user runs it (a child `node bin/mpanel.js` on its own DATA_DIR): bad
 * arguments get one clear line; 500 accounts on the Hestia fake are imported, and a rerun imports none.
 */
describe('mpanel hosting:import (plugin CLI command)', function () {
  this.timeout(300_000);
  const data = tempDataDir();
  const KEYS = `k1:${randomBytes(32).toString('base64')}`;
  const env = cliEnv({ DATA_DIR: data.dir, NODE_ENV: 'development', MPANEL_ENCRYPTION_KEYS: KEYS, MPANEL_ALLOW_PRIVATE_TARGETS: 'true' });
  const mpanel = (...args: string[]) => run(process.execPath, [CLI, ...args], env);
  const fake = new FakeHestiaServer();
  before(() => fake.start());
  after(async () => {
    await fake.close();
    data.remove();
  });

  it('is registered and refuses a missing --server with one line', async () => {
    const res = await mpanel('hosting:import', '--product', randomUUID(), '--next-due', '2027-01-01');
    assert.equal(res.code, 1, res.stderr);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr, "hosting:import: --server <id> is required (the server's id, a UUID)\n");
  });

  it('a malformed --next-due and an unknown server: exit 1, one line each', async () => {
    const bad = await mpanel('hosting:import', '--server', randomUUID(), '--product', randomUUID(), '--next-due', '01/02/2027');
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'hosting:import: --next-due <YYYY-MM-DD> is required\n');
    const server = randomUUID();
    const unknown = await mpanel('hosting:import', '--server', server, '--product', randomUUID(), '--next-due', '2027-01-01');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, `hosting:import: no server ${server}\n`);
  });

  it('imports 500 accounts from a Hestia server, and a second run imports none', async () => {
    for (let i = 1; i <= 500; i++) fake.state.seedUser(`cli${String(i).padStart(4, '0')}`, { contact: `cli${i}@owners.example`, domain: `cli${i}.example.org` });
    // The DATA_DIR's database is migrated by the runs above; the tenant, catalogue and server are written as the owner.
    const db = await openDatabase({ dataDir: pgliteDir(data.dir) });
    const serverId = randomUUID();
    const productId = randomUUID();
    try {
      const [tenant] = (await db.knex('tenants').insert({ name: 'Acme', slug: 'acme' }).returning('id')) as Array<{ id: string }>;
      const tenantId = tenant!.id;
      const [plan] = (await db.knex('hosting_plans').insert({ tenant_id: tenantId, name: 'imported', limits: JSON.stringify({ diskMb: 1000, sites: 1, databases: 1, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256 }) }).returning('id')) as Array<{ id: string }>;
      await db.knex('products').insert({ id: productId, tenant_id: tenantId, name: 'Hestia hosting', type: 'hosting', provisioning: JSON.stringify({ module: 'hosting', config: { planId: plan!.id } }) });
      await db.knex('product_prices').insert({ tenant_id: tenantId, product_id: productId, currency: 'USD', cycle: 'monthly', amount: 700 });
      // Sealed as the hosting plugin seals a server's credentials (ctx.secrets: plugin, field and tenant bound).
      const box = new SecretBox({ keys: parseKeys(KEYS) }, 'mpanel:plugin-secrets');
      const credentials = box.seal(JSON.stringify({ scheme: 'http', accessKey: fake.keys.accessKey, secretKey: fake.keys.secretKey }), { tenantId, field: `hosting.sealed:servers.credentials:${serverId}` });
      await db.knex('servers').insert({ id: serverId, tenant_id: tenantId, name: 'hestia', hostname: 'hestia.example.net', module: 'hestia', address: '127.0.0.1', port: fake.port, status: 'online', credentials });
    } finally {
      await db.close();
    }
    const args = ['hosting:import', '--server', serverId, '--product', productId, '--next-due', '2027-01-15', '--country', 'DE', '--tenant', 'acme'];
    const first = await mpanel(...args);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'Imported 500 (0 onto existing clients, 500 with new clients), skipped 0\n');
    const second = await mpanel(...args);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'Imported 0 (0 onto existing clients, 0 with new clients), skipped 500\n');
    const check = await openDatabase({ dataDir: pgliteDir(data.dir) });
    try {
      const n = async (table: string) => Number(((await check.knex(table).count({ n: '*' })) as Array<{ n: string }>)[0]!.n);
      assert.deepEqual([await n('hosting_accounts'), await n('services'), await n('clients'), await n('invoices'), await n('provisioning_operations')], [500, 500, 500, 0, 0]);
    } finally {
      await check.close();
    }
  });
});
