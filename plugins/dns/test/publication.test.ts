import assert from 'node:assert/strict';
import { dnsZonesRef, type DnsZones } from '@mpanel/sdk';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { consumer, memoryDns } from './support/memory-provider.ts';
import { must, startDnsServer, waitFor, type TestServer } from './support/server.ts';

describe('dns plugin: publication queue and the dns.zones service', function () {
  this.timeout(60_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let a: TenantWithAdmin;

  before(async () => {
    ({ server, close } = await startDnsServer());
    a = await createTenantWithAdmin(server);
  });
  after(() => close?.());
  beforeEach(() => memoryDns.reset());

  const zoneState = async (id: string) => (await must(server, a.token, 'GET', `/api/v1/dns/zones/${id}`)).publication;
  const withZones = <T>(fn: (zones: DnsZones) => Promise<T>) => {
    const ctx = consumer.ctx!;
    return ctx.db.transaction(a.tenant.id, (trx) => fn(ctx.services.resolve(dnsZonesRef).forTenant(trx, a.tenant.id)));
  };

  it('keeps changes queued while the provider is down and applies them exactly once when it is back', async () => {
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'outage.test' });
    await waitFor(async () => (await zoneState(zone.id)).state === 'published', 15_000, 'first publish');
    memoryDns.down = true;
    memoryDns.calls = [];
    await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['203.0.113.1'] });
    await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'api', type: 'A', values: ['203.0.113.2'] });
    const failing = await waitFor(async () => { const p = await zoneState(zone.id); return p.error ? p : null; }, 15_000, 'error shown');
    assert.equal(failing.state, 'pending');
    assert.match(failing.error, /ECONNREFUSED/);
    assert.equal(memoryDns.calls.length, 0);
    assert.equal((await server.knex('dns_pending_changes').where({ zone_id: zone.id })).length, 2);
    // Publishing now says the provider is down (503); the change stays queued.
    const now = await server.request('POST', `/api/v1/dns/zones/${zone.id}/publish`, { token: a.token });
    assert.equal(now.status, 503, JSON.stringify(now.body));
    assert.equal((await server.knex('dns_pending_changes').where({ zone_id: zone.id })).length, 2);

    memoryDns.down = false;
    const done = await waitFor(async () => { const p = await zoneState(zone.id); return p.state === 'published' ? p : null; }, 20_000, 'published after the outage');
    assert.equal(done.error, null);
    assert.deepEqual(memoryDns.values('outage.test', 'www.outage.test', 'A'), ['203.0.113.1']);
    assert.deepEqual(memoryDns.values('outage.test', 'api.outage.test', 'A'), ['203.0.113.2']);
    // Settle, then count: each set was sent once.
    await new Promise((r) => setTimeout(r, 1500));
    const upserts = memoryDns.calls.filter((c) => c.op === 'upsert').map((c) => `${c.name} ${c.type}`).sort();
    assert.deepEqual(upserts, ['api.outage.test. A', 'www.outage.test. A']);
    assert.equal((await server.knex('dns_pending_changes').where({ zone_id: zone.id })).length, 0);
  });

  it('a record the provider refuses is shown on the zone and answers 400 naming it', async () => {
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'refused.test' });
    memoryDns.refuse = { name: 'bad.refused.test.', type: 'TXT', message: 'Record bad.refused.test./TXT: too long' };
    await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'bad', type: 'TXT', values: ['x'] });
    await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'good', type: 'A', values: ['192.0.2.4'] });
    const failed = await waitFor(async () => { const p = await zoneState(zone.id); return p.state === 'failed' && memoryDns.values('refused.test', 'good.refused.test', 'A') ? p : null; }, 15_000, 'failed state');
    assert.deepEqual(failed.record, { name: 'bad.refused.test.', type: 'TXT' });
    assert.match(failed.error, /too long/);
    // The refused set stays queued; the good one was published beside it.
    assert.deepEqual((await server.knex('dns_pending_changes').where({ zone_id: zone.id })).map((r) => `${r.name} ${r.type}`), ['bad.refused.test TXT']);
    const res = await server.request('POST', `/api/v1/dns/zones/${zone.id}/publish`, { token: a.token });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.details, { values: 'Record bad.refused.test./TXT: too long', record: 'bad TXT' });
    // Fixed: published.
    memoryDns.refuse = null;
    const ok = await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/publish`, undefined, 200);
    assert.equal(ok.publication.state, 'published');
  });

  it('addValue: two concurrent TXT values on _acme-challenge both survive; removeValue keeps the other', async () => {
    await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'acme.test' });
    const name = '_acme-challenge.acme.test';
    await Promise.all([
      withZones((z) => z.addValue({ name, type: 'TXT', value: 'token-apex', ttl: 60 })),
      withZones((z) => z.addValue({ name, type: 'TXT', value: 'token-wildcard', ttl: 60 })),
    ]);
    const row = await server.knex('dns_record_sets').where({ name, type: 'TXT' }).first();
    assert.deepEqual([...row.values].sort(), ['"token-apex"', '"token-wildcard"']);
    assert.equal(row.ttl, 60);
    // publishNow: the provider has both when it resolves.
    await consumer.ctx!.services.resolve(dnsZonesRef).publishNow(a.tenant.id, 'acme.test.');
    assert.deepEqual([...memoryDns.values('acme.test', name, 'TXT')!].sort(), ['"token-apex"', '"token-wildcard"']);
    // Adding the same value again changes nothing.
    await withZones((z) => z.addValue({ name, type: 'TXT', value: 'token-apex' }));
    assert.equal((await server.knex('dns_record_sets').where({ name, type: 'TXT' }).first()).values.length, 2);
    await withZones((z) => z.removeValue({ name, type: 'TXT', value: 'token-apex' }));
    assert.deepEqual((await server.knex('dns_record_sets').where({ name, type: 'TXT' }).first()).values, ['"token-wildcard"']);
    await withZones((z) => z.removeValue({ name, type: 'TXT', value: 'token-wildcard' }));
    assert.equal(await server.knex('dns_record_sets').where({ name, type: 'TXT' }).first(), undefined);
    await consumer.ctx!.services.resolve(dnsZonesRef).publishNow(a.tenant.id, 'acme.test');
    assert.equal(memoryDns.values('acme.test', name, 'TXT'), undefined);
    // A name in no zone of the tenant.
    await assert.rejects(withZones((z) => z.addValue({ name: '_acme-challenge.elsewhere.test', type: 'TXT', value: 'x' })), /No DNS zone/);
  });

  it('ensureZone from the template, findZoneFor, removeZonesOwnedBy', async () => {
    await must(server, a.token, 'POST', '/api/v1/dns/zone-templates', { name: 'Hosting', isDefault: true, records: [{ name: '@', type: 'A', values: ['{{ip}}'] }, { name: 'www', type: 'A', values: ['{{ip}}'] }] });
    const made = await withZones((z) => z.ensureZone({ name: 'Hosted.test.', fromTemplate: true, variables: { ip: '203.0.113.77' }, owner: 'hosting-account:1' }));
    assert.equal(made.created, true);
    assert.equal(made.name, 'hosted.test');
    const again = await withZones((z) => z.ensureZone({ name: 'hosted.test', fromTemplate: true, variables: { ip: '203.0.113.78' } }));
    assert.deepEqual(again, { ...made, created: false });
    assert.deepEqual((await server.knex('dns_record_sets').where({ zone_id: made.id }).orderBy('name')).map((r) => `${r.name} ${r.values}`), ['hosted.test 203.0.113.77', 'www.hosted.test 203.0.113.77']);
    assert.deepEqual(await withZones((z) => z.findZoneFor('deep.www.hosted.test.')), { id: made.id, name: 'hosted.test' });
    assert.equal(await withZones((z) => z.findZoneFor('nothosted.test')), null);
    const history = await server.knex('dns_zone_changes').where({ zone_id: made.id, action: 'zone.created' }).first();
    assert.equal(history.actor, 'service');
    await waitFor(async () => memoryDns.values('hosted.test', 'www.hosted.test', 'A'), 15_000, 'hosted zone published');
    assert.equal(await withZones((z) => z.removeZonesOwnedBy('hosting-account:2')), 0);
    assert.equal(await withZones((z) => z.removeZonesOwnedBy('hosting-account:1')), 1);
    await waitFor(async () => !(await server.knex('dns_zones').where({ id: made.id }).first()), 15_000, 'zone removed');
    assert.equal(memoryDns.zones.has('hosted.test.'), false);
    await must(server, a.token, 'PATCH', `/api/v1/dns/zone-templates/${(await server.knex('dns_zone_templates').where({ tenant_id: a.tenant.id, name: 'Hosting' }).first()).id}`, { isDefault: false });
  });
});
