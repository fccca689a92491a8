import assert from 'node:assert/strict';
import { dnsZonesRef, type DnsZones } from '@mpanel/sdk';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { consumer, memoryDns } from './support/memory-provider.ts';
import { must, startDnsServer, waitFor, type TestServer } from './support/server.ts';

/**
 * On PostgreSQL (concurrent connections, unlike PGlite): additive values take turns on the zone's
 * row lock, and the cross-tenant zone guard holds when two tenants race for nested names.
 */
describe('dns on PostgreSQL: concurrent additive values and zone claims', function () {
  this.timeout(120_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;

  before(async () => {
    assert.ok(process.env.TEST_DATABASE_URL, 'TEST_DATABASE_URL must point at a PostgreSQL server');
    ({ server, close } = await startDnsServer());
    assert.equal(server.knex.client.config.client === 'pg' || /postgres/.test(String(server.knex.client.config.client)), true, 'the server runs on PostgreSQL');
    a = await createTenantWithAdmin(server);
    b = await createTenantWithAdmin(server);
  });
  after(() => close?.());

  const withZones = <T>(tenant: TenantWithAdmin, fn: (zones: DnsZones) => Promise<T>) => {
    const ctx = consumer.ctx!;
    return ctx.db.transaction(tenant.tenant.id, (trx) => fn(ctx.services.resolve(dnsZonesRef).forTenant(trx, tenant.tenant.id)));
  };

  it('twelve concurrent addValue calls on one TXT name all survive, and are published', async () => {
    memoryDns.reset();
    await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'race-acme.test' });
    const name = '_acme-challenge.race-acme.test';
    await withZones(a, (z) => z.addValue({ name, type: 'TXT', value: 'first' }));
    const tokens = Array.from({ length: 12 }, (_, i) => `token-${i}`);
    await Promise.all(tokens.map((value) => withZones(a, (z) => z.addValue({ name, type: 'TXT', value }))));
    const row = await server.knex('dns_record_sets').where({ name, type: 'TXT' }).first();
    assert.deepEqual([...row.values].sort(), ['"first"', ...tokens.map((t) => `"${t}"`)].sort());
    await consumer.ctx!.services.resolve(dnsZonesRef).publishNow(a.tenant.id, 'race-acme.test');
    assert.equal(memoryDns.values('race-acme.test', name, 'TXT')!.length, 13);
    // And concurrent removals leave exactly the others.
    await Promise.all(tokens.slice(0, 6).map((value) => withZones(a, (z) => z.removeValue({ name, type: 'TXT', value }))));
    const left = await server.knex('dns_record_sets').where({ name, type: 'TXT' }).first();
    assert.deepEqual([...left.values].sort(), ['"first"', ...tokens.slice(6).map((t) => `"${t}"`)].sort());
  });

  it('two tenants racing for nested names: exactly one gets its zone', async () => {
    for (let round = 0; round < 5; round++) {
      const parent = `nest-${round}.test`;
      const [ra, rb] = await Promise.all([
        server.request('POST', '/api/v1/dns/zones', { token: a.token, body: { name: parent } }),
        server.request('POST', '/api/v1/dns/zones', { token: b.token, body: { name: `shop.${parent}` } }),
      ]);
      assert.deepEqual([ra.status, rb.status].sort(), [201, 409], `round ${round}: ${ra.status} ${JSON.stringify(ra.body)} / ${rb.status} ${JSON.stringify(rb.body)}`);
      const owners = await server.knex('dns_zones').whereIn('name', [parent, `shop.${parent}`]).pluck('tenant_id');
      assert.equal(owners.length, 1);
    }
  });

  it('concurrent HTTP edits of one zone: each record set written once, each published', async () => {
    memoryDns.reset();
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'busy.test' });
    const names = Array.from({ length: 10 }, (_, i) => `host${i}`);
    const answers = await Promise.all(names.map((n, i) => server.request('POST', `/api/v1/dns/zones/${zone.id}/records`, { token: a.token, body: { name: n, type: 'A', values: [`203.0.113.${i + 1}`] } })));
    assert.deepEqual(answers.map((r) => r.status), names.map(() => 201));
    await waitFor(async () => (await must(server, a.token, 'GET', `/api/v1/dns/zones/${zone.id}`)).publication.state === 'published', 20_000, 'published');
    for (const [i, n] of names.entries()) assert.deepEqual(memoryDns.values('busy.test', `${n}.busy.test`, 'A'), [`203.0.113.${i + 1}`]);
  });
});
