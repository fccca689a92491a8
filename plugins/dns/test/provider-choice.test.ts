import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { createClientAccount, createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { memoryDns } from './support/memory-provider.ts';
import { must, startDnsServer, waitFor, type TestServer } from './support/server.ts';

describe('dns plugin without a provider, and the provider setting', function () {
  this.timeout(60_000);

  describe('no DnsProvider installed', () => {
    let server: TestServer;
    let close: () => Promise<void>;
    let a: TenantWithAdmin;
    before(async () => {
      ({ server, close } = await startDnsServer({ provider: false }));
      a = await createTenantWithAdmin(server);
    });
    after(() => close?.());

    it('zones and records are kept and shown as queued with the reason; publish and DNSSEC answer 503', async () => {
      const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'unpublished.test' });
      await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['192.0.2.1'] });
      const p = await waitFor(async () => { const z = await must(server, a.token, 'GET', `/api/v1/dns/zones/${zone.id}`); return z.publication.error ? z.publication : null; }, 15_000, 'reason shown');
      assert.deepEqual([p.state, p.error], ['pending', 'No DNS provider is installed: changes stay queued until one is']);
      assert.equal((await server.knex('dns_pending_changes').where({ zone_id: zone.id })).length, 1);
      // The run is not retried in a loop: it ends at once (the sweep queues the zone again later).
      const runs = await waitFor(async () => { const r = await server.knex('workflow_runs').where({ subject: `dns-zone:${zone.id}` }).whereNotNull('finished_at'); return r.length ? r : null; }, 15_000, 'run finished');
      assert.ok(runs.every((r) => r.status === 'failed' || r.status === 'superseded'), JSON.stringify(runs.map((r) => r.status)));
      assert.equal((await server.request('POST', `/api/v1/dns/zones/${zone.id}/publish`, { token: a.token })).status, 503);
      assert.deepEqual(await must(server, a.token, 'GET', `/api/v1/dns/zones/${zone.id}/dnssec`), { zoneId: zone.id, supported: false, enabled: false, ds: [] });
      assert.equal((await server.request('PUT', `/api/v1/dns/zones/${zone.id}/dnssec`, { token: a.token, body: { enabled: true } })).status, 503);
    });
  });

  describe('settings: the provider, limits', () => {
    let server: TestServer;
    let close: () => Promise<void>;
    let a: TenantWithAdmin;
    before(async () => {
      ({ server, close } = await startDnsServer());
      a = await createTenantWithAdmin(server);
    });
    after(() => close?.());
    beforeEach(() => memoryDns.reset());

    it('a chosen provider that is not installed keeps changes queued; choosing the installed one publishes them', async () => {
      await must(server, a.token, 'PUT', '/api/v1/plugins/dns/settings', { provider: 'powerdns' });
      const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'chosen.test' });
      await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['192.0.2.7'] });
      const res = await server.request('POST', `/api/v1/dns/zones/${zone.id}/publish`, { token: a.token });
      assert.equal(res.status, 503);
      assert.match(res.body.error, /"powerdns" chosen in the DNS settings is not installed/);
      assert.equal(memoryDns.calls.length, 0);
      await must(server, a.token, 'PUT', '/api/v1/plugins/dns/settings', { provider: 'memory' });
      const done = await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/publish`, undefined, 200);
      assert.equal(done.publication.state, 'published');
      assert.deepEqual(memoryDns.values('chosen.test', 'www.chosen.test', 'A'), ['192.0.2.7']);
    });

    it('limits: zones a client may create, record sets per zone', async () => {
      await must(server, a.token, 'PUT', '/api/v1/plugins/dns/settings', { maxZonesPerClient: 1, maxRecordSetsPerZone: 2 });
      const clientId = await createClientAccount(server, a.token);
      const client = await createUser(server, a.token, ['client'], { tenant: a.tenant.slug, clientId });
      const zone = await must(server, client.token, 'POST', '/api/v1/dns/zones', { name: 'limited.test' });
      const second = await server.request('POST', '/api/v1/dns/zones', { token: client.token, body: { name: 'limited2.test' } });
      assert.equal(second.status, 409);
      assert.match(second.body.error, /1 DNS zones, the most allowed/);
      // Staff are not limited by the client quota.
      await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'limited3.test', clientId });
      await must(server, client.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'a', type: 'A', values: ['192.0.2.1'] });
      await must(server, client.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'b', type: 'A', values: ['192.0.2.2'] });
      const third = await server.request('POST', `/api/v1/dns/zones/${zone.id}/records`, { token: client.token, body: { name: 'c', type: 'A', values: ['192.0.2.3'] } });
      assert.equal(third.status, 409);
      assert.match(third.body.details.name, /at most 2 record sets/);
      // Editing an existing set is still fine.
      const sets = await must(server, client.token, 'GET', `/api/v1/dns/zones/${zone.id}/records`);
      await must(server, client.token, 'PATCH', `/api/v1/dns/zones/${zone.id}/records/${sets[0].id}`, { values: ['192.0.2.9'] });
      assert.equal((await server.knex('dns_record_sets').where({ zone_id: zone.id })).length, 2);
    });
  });
});
