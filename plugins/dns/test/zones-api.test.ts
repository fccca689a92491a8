import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { createClientAccount, createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { memoryDns } from './support/memory-provider.ts';
import { must, startDnsServer, waitFor, type TestServer } from './support/server.ts';

describe('dns plugin: zones and records over HTTP', function () {
  this.timeout(60_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let clientId: string;
  let clientToken: string;
  let otherClientToken: string;

  before(async () => {
    ({ server, close } = await startDnsServer());
    a = await createTenantWithAdmin(server);
    b = await createTenantWithAdmin(server);
    clientId = await createClientAccount(server, a.token);
    clientToken = (await createUser(server, a.token, ['client'], { tenant: a.tenant.slug, clientId })).token;
    otherClientToken = (await createUser(server, a.token, ['client'], { tenant: a.tenant.slug, clientId: await createClientAccount(server, a.token) })).token;
  });
  after(() => close?.());
  beforeEach(() => memoryDns.reset());

  const published = (id: string) => waitFor(async () => {
    const z = await must(server, a.token, 'GET', `/api/v1/dns/zones/${id}`);
    return z.publication.state === 'published' ? z : null;
  }, 15_000, 'zone published');

  it('creates a zone and record sets: rows written, history kept, published to the provider', async () => {
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'Example.COM.', clientId });
    assert.equal(zone.name, 'example.com');
    assert.equal(zone.publication.state, 'pending');
    const www = await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', ttl: 300, values: ['203.0.113.7', '203.0.113.8'] });
    assert.deepEqual([www.name, www.relativeName, www.ttl, www.values], ['www.example.com', 'www', 300, ['203.0.113.7', '203.0.113.8']]);
    await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: '@', type: 'MX', values: ['10 mail.example.com'] });
    await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: '@', type: 'TXT', values: ['v=spf1 mx -all'] });

    const rows = await server.knex('dns_record_sets').where({ zone_id: zone.id }).orderBy(['name', 'type']);
    assert.deepEqual(rows.map((r) => [r.name, r.type, r.values]), [
      ['example.com', 'MX', ['10 mail.example.com.']],
      ['example.com', 'TXT', ['"v=spf1 mx -all"']],
      ['www.example.com', 'A', ['203.0.113.7', '203.0.113.8']],
    ]);
    assert.ok(rows.every((r) => r.tenant_id === a.tenant.id));

    await published(zone.id);
    assert.deepEqual(memoryDns.values('example.com', 'www.example.com', 'A'), ['203.0.113.7', '203.0.113.8']);
    assert.deepEqual(memoryDns.values('example.com', 'example.com', 'MX'), ['10 mail.example.com.']);
    assert.equal(await server.knex('dns_pending_changes').where({ zone_id: zone.id }).count({ n: '*' }).first().then((r) => Number(r!.n)), 0);

    // Edit, then delete: the provider follows.
    await must(server, a.token, 'PATCH', `/api/v1/dns/zones/${zone.id}/records/${www.id}`, { values: ['198.51.100.1'] });
    await must(server, a.token, 'DELETE', `/api/v1/dns/zones/${zone.id}/records/${www.id}`);
    await published(zone.id);
    assert.equal(memoryDns.values('example.com', 'www.example.com', 'A'), undefined);
    assert.equal(await server.knex('dns_record_sets').where({ id: www.id }).first(), undefined);

    const history = await server.request('GET', `/api/v1/dns/zones/${zone.id}/history?perPage=50`, { token: a.token });
    assert.equal(history.status, 200);
    const actions = history.body.data.map((h: { action: string }) => h.action);
    assert.deepEqual(actions, ['record.deleted', 'record.updated', 'record.created', 'record.created', 'record.created', 'zone.created']);
    assert.equal(history.body.meta.total, 6);
    const updated = history.body.data[1];
    assert.deepEqual([updated.before.values, updated.after.values, updated.actor], [['203.0.113.7', '203.0.113.8'], ['198.51.100.1'], `user:${a.admin.id}`]);

    const listed = await server.request('GET', '/api/v1/dns/zones?perPage=10', { token: a.token });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.meta, { total: 1, page: 1, perPage: 10 });

    // Deleting the zone removes it at the provider, then the row.
    await must(server, a.token, 'DELETE', `/api/v1/dns/zones/${zone.id}`);
    await waitFor(async () => !(await server.knex('dns_zones').where({ id: zone.id }).first()), 15_000, 'zone row removed');
    assert.equal(memoryDns.zones.has('example.com.'), false);
  });

  it('validates each record type with a message on the field', async () => {
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'valid.test' });
    const bad = async (body: Record<string, unknown>, field: string, pattern: RegExp, status = 400) => {
      const res = await server.request('POST', `/api/v1/dns/zones/${zone.id}/records`, { token: a.token, body });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(String(res.body.details?.[field]), pattern, JSON.stringify(res.body));
    };
    await bad({ name: 'www', type: 'A', values: ['300.1.1.1'] }, 'values[0]', /not an IPv4 address/);
    await bad({ name: 'www', type: 'AAAA', values: ['2001:db8::1', '203.0.113.1'] }, 'values[1]', /not an IPv6 address/);
    await bad({ name: '@', type: 'MX', values: ['mail.valid.test'] }, 'values[0]', /priority/);
    await bad({ name: '@', type: 'MX', values: ['70000 mail.valid.test'] }, 'values[0]', /MX priority must be a whole number from 0 to 65535/);
    await bad({ name: '_sip._tcp', type: 'SRV', values: ['10 5 99999 sip.valid.test'] }, 'values[0]', /SRV port/);
    await bad({ name: '@', type: 'CAA', values: ['0 issues letsencrypt.org'] }, 'values[0]', /CAA tag/);
    await bad({ name: 'www', type: 'CNAME', values: ['a.valid.test', 'b.valid.test'] }, 'values', /exactly one/);
    await bad({ name: '@', type: 'CNAME', values: ['other.test'] }, 'name', /apex/);
    await bad({ name: 'www.other.test.', type: 'A', values: ['203.0.113.1'] }, 'name', /not inside the zone valid\.test/);
    await bad({ name: 'bad_label!', type: 'A', values: ['203.0.113.1'] }, 'name', /not a valid DNS name/);
    await bad({ name: 'www', type: 'A', ttl: 5, values: ['203.0.113.1'] }, 'ttl', /must be >= 60/);
    await bad({ name: 'www', type: 'A', values: ['203.0.113.1', '203.0.113.1'] }, 'values[1]', /same as another/);
    // CNAME exclusivity, both ways.
    await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['203.0.113.1'] });
    await bad({ name: 'www', type: 'CNAME', values: ['valid.test'] }, 'type', /cannot share its name/);
    await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'blog', type: 'CNAME', values: ['valid.test'] });
    await bad({ name: 'blog', type: 'TXT', values: ['x'] }, 'name', /is a CNAME/);
    // The same name and type twice is a 409: the set is edited instead.
    await bad({ name: 'www', type: 'A', values: ['203.0.113.2'] }, 'name', /already has A records/, 409);
    // Nothing of the refused input was written.
    const rows = await server.knex('dns_record_sets').where({ zone_id: zone.id }).orderBy('name');
    assert.deepEqual(rows.map((r) => `${r.name} ${r.type}`), ['blog.valid.test CNAME', 'www.valid.test A']);
    // Zone names too.
    const z = await server.request('POST', '/api/v1/dns/zones', { token: a.token, body: { name: 'localhost' } });
    assert.equal(z.status, 400);
    assert.match(z.body.details.name, /at least two labels/);
  });

  it('clients: own zones only, NS is staff-only, other clients get 404', async () => {
    const zone = await must(server, clientToken, 'POST', '/api/v1/dns/zones', { name: 'client-site.test' });
    assert.equal(zone.clientId, clientId);
    await must(server, clientToken, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['203.0.113.9'] });
    const ns = await server.request('POST', `/api/v1/dns/zones/${zone.id}/records`, { token: clientToken, body: { name: 'sub', type: 'NS', values: ['ns1.evil.test'] } });
    assert.equal(ns.status, 403, JSON.stringify(ns.body));
    assert.match(ns.body.error, /staff only/);
    // Staff may; then the client sees the set as not editable and cannot change or delete it.
    const staffNs = await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'sub', type: 'NS', values: ['ns1.example.net'] });
    const records = await must(server, clientToken, 'GET', `/api/v1/dns/zones/${zone.id}/records`);
    assert.equal(records.find((r: { type: string }) => r.type === 'NS').editable, false);
    assert.equal((await server.request('PATCH', `/api/v1/dns/zones/${zone.id}/records/${staffNs.id}`, { token: clientToken, body: { values: ['ns1.evil.test'] } })).status, 403);
    assert.equal((await server.request('DELETE', `/api/v1/dns/zones/${zone.id}/records/${staffNs.id}`, { token: clientToken })).status, 403);
    assert.deepEqual((await server.knex('dns_record_sets').where({ id: staffNs.id }).first()).values, ['ns1.example.net.']);

    // Another client of the same tenant: 404 everywhere, nothing in its list.
    for (const [method, path] of [['GET', `/api/v1/dns/zones/${zone.id}`], ['GET', `/api/v1/dns/zones/${zone.id}/records`], ['DELETE', `/api/v1/dns/zones/${zone.id}`], ['GET', `/api/v1/dns/zones/${zone.id}/export`]] as const) {
      assert.equal((await server.request(method, path, { token: otherClientToken })).status, 404, `${method} ${path}`);
    }
    const other = await server.request('POST', `/api/v1/dns/zones/${zone.id}/records`, { token: otherClientToken, body: { name: 'x', type: 'A', values: ['203.0.113.1'] } });
    assert.equal(other.status, 404);
    const list = await server.request('GET', '/api/v1/dns/zones', { token: otherClientToken });
    assert.equal(list.body.meta.total, 0);
    // Another client cannot take a name inside (or above) this client's zone; the owner and staff can nest.
    const nested = await server.request('POST', '/api/v1/dns/zones', { token: otherClientToken, body: { name: 'shop.client-site.test' } });
    assert.equal(nested.status, 409, JSON.stringify(nested.body));
    assert.match(nested.body.details.name, /overlaps client-site\.test/);
    assert.equal((await server.request('POST', '/api/v1/dns/zones', { token: otherClientToken, body: { name: 'test.client-site.test' } })).status, 409);
    await must(server, clientToken, 'POST', '/api/v1/dns/zones', { name: 'own.client-site.test' });
    await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'staff.client-site.test' });
    // A client naming another account when creating: 404.
    const foreign = await server.request('POST', '/api/v1/dns/zones', { token: otherClientToken, body: { name: 'steal.test', clientId } });
    assert.equal(foreign.status, 404);
  });

  it('tenant B: 404 on A\'s real zone and record ids, 409 on names equal to, under or above A\'s zones', async () => {
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'tenant-a.test' });
    const rec = await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['203.0.113.1'] });
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/dns/zones/${zone.id}`], ['GET', `/api/v1/dns/zones/${zone.id}/records`], ['GET', `/api/v1/dns/zones/${zone.id}/history`],
      ['GET', `/api/v1/dns/zones/${zone.id}/export`], ['GET', `/api/v1/dns/zones/${zone.id}/dnssec`], ['PUT', `/api/v1/dns/zones/${zone.id}/dnssec`, { enabled: true }],
      ['POST', `/api/v1/dns/zones/${zone.id}/publish`], ['POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'x', type: 'A', values: ['203.0.113.1'] }],
      ['PATCH', `/api/v1/dns/zones/${zone.id}/records/${rec.id}`, { values: ['203.0.113.66'] }], ['DELETE', `/api/v1/dns/zones/${zone.id}/records/${rec.id}`],
      ['POST', `/api/v1/dns/zones/${zone.id}/import`, { zoneFile: 'evil 300 IN A 203.0.113.66\n' }], ['DELETE', `/api/v1/dns/zones/${zone.id}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await server.request(method, path, { token: b.token, ...(body ? { body } : {}) });
      assert.equal(res.status, 404, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    assert.deepEqual((await server.knex('dns_record_sets').where({ id: rec.id }).first()).values, ['203.0.113.1']);
    assert.ok(await server.knex('dns_zones').where({ id: zone.id }).whereNull('deleted_at').first());
    for (const name of ['tenant-a.test', 'a.tenant-a.test', 'deep.a.tenant-a.test']) {
      const res = await server.request('POST', '/api/v1/dns/zones', { token: b.token, body: { name } });
      assert.equal(res.status, 409, `${name}: ${JSON.stringify(res.body)}`);
    }
    // A zone above one of A's: B cannot take the parent either.
    await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'shop.parent-a.test' });
    assert.equal((await server.request('POST', '/api/v1/dns/zones', { token: b.token, body: { name: 'parent-a.test' } })).status, 409);
    // A name that merely ends the same way is fine.
    await must(server, b.token, 'POST', '/api/v1/dns/zones', { name: 'xtenant-a.test' });
    assert.equal((await server.request('GET', '/api/v1/dns/zones', { token: b.token })).body.data.some((z: { name: string }) => z.name.endsWith('tenant-a.test') && z.name !== 'xtenant-a.test'), false);
    // The database refuses it even without the route (the trigger).
    await assert.rejects(server.knex('dns_zones').insert({ tenant_id: b.tenant.id, name: 'sub.tenant-a.test' }), /overlaps a zone of another tenant/);
  });

  it('BIND import and export round trip', async () => {
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'bind.test' });
    const file = [
      '$ORIGIN bind.test.',
      '$TTL 7200',
      '@ IN SOA ns1.bind.test. hostmaster.bind.test. ( 2024010101 ; serial',
      '    3600 900 604800 300 )',
      '@       IN NS   ns1.host.test.',
      '@       300 IN A 203.0.113.10',
      '        IN MX 10 mail ; relative target',
      'www     IN CNAME @',
      'mail    IN A 203.0.113.11',
      '        IN AAAA 2001:db8::11',
      '_dmarc  IN TXT "v=DMARC1; p=none"',
      '_sip._tcp IN SRV 10 5 5060 sip.bind.test.',
      '@       IN CAA 0 issue "letsencrypt.org"',
    ].join('\n');
    const res = await must(server, a.token, 'POST', `/api/v1/dns/zones/${zone.id}/import`, { zoneFile: file }, 200);
    assert.equal(res.imported, 9);
    const rows = await server.knex('dns_record_sets').where({ zone_id: zone.id }).orderBy(['name', 'type']);
    const map = Object.fromEntries(rows.map((r) => [`${r.name} ${r.type}`, [r.ttl, r.values]]));
    assert.deepEqual(map['bind.test A'], [300, ['203.0.113.10']]);
    assert.deepEqual(map['bind.test MX'], [7200, ['10 mail.bind.test.']]);
    assert.deepEqual(map['www.bind.test CNAME'], [7200, ['bind.test.']]);
    assert.deepEqual(map['mail.bind.test AAAA'], [7200, ['2001:db8::11']]);
    assert.deepEqual(map['_dmarc.bind.test TXT'], [7200, ['"v=DMARC1; p=none"']]);
    assert.deepEqual(map['bind.test CAA'], [7200, ['0 issue "letsencrypt.org"']]);
    assert.equal(map['bind.test SOA'], undefined);

    const exported = await server.request('GET', `/api/v1/dns/zones/${zone.id}/export`, { token: a.token });
    assert.equal(exported.status, 200);
    assert.match(String(exported.headers.get('content-type')), /text\/plain/);
    const text = exported.body as unknown as string;
    assert.match(text, /^www\t7200\tIN\tCNAME\tbind\.test\.$/m);
    // Re-import the export into a second zone: the same sets.
    const copy = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'bind.test.copy.test' });
    const again = await must(server, a.token, 'POST', `/api/v1/dns/zones/${copy.id}/import`, { zoneFile: text.replace(/bind\.test\./g, 'bind.test.copy.test.') }, 200);
    assert.equal(again.imported, 9);
    const copied = await server.knex('dns_record_sets').where({ zone_id: copy.id }).orderBy(['name', 'type']);
    assert.deepEqual(copied.map((r) => [r.name.replace('bind.test.copy.test', 'bind.test'), r.type, r.ttl, r.values.map((v: string) => v.replace(/bind\.test\.copy\.test/g, 'bind.test'))]), rows.map((r) => [r.name, r.type, r.ttl, r.values]));

    // A bad line is named, and nothing is written.
    const before = await server.knex('dns_record_sets').where({ zone_id: zone.id }).count({ n: '*' }).first();
    const bad = await server.request('POST', `/api/v1/dns/zones/${zone.id}/import`, { token: a.token, body: { zoneFile: 'ok IN A 203.0.113.1\nbroken IN A 999.1.1.1\n' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.details.zoneFile, /line 2: A broken\.bind\.test/);
    assert.deepEqual(await server.knex('dns_record_sets').where({ zone_id: zone.id }).count({ n: '*' }).first(), before);

    // A client's import skips NS (staff only).
    const own = await must(server, clientToken, 'POST', '/api/v1/dns/zones', { name: 'client-import.test' });
    const skipped = await must(server, clientToken, 'POST', `/api/v1/dns/zones/${own.id}/import`, { zoneFile: '@ IN NS ns.evil.test.\nwww IN A 203.0.113.5\n' }, 200);
    assert.deepEqual([skipped.imported, skipped.skipped], [1, ['client-import.test NS']]);
  });

  it('templates: default records with variables and branded nameservers', async () => {
    const tpl = await must(server, a.token, 'POST', '/api/v1/dns/zone-templates', {
      name: 'Web', isDefault: true, nameservers: ['ns1.brand.test', 'ns2.brand.test'],
      records: [{ name: '@', type: 'A', values: ['{{ip}}'] }, { name: 'www', type: 'CNAME', values: ['{{domain}}'] }, { name: '@', type: 'MX', values: ['10 mail.{{domain}}'] }],
    });
    assert.equal(tpl.isDefault, true);
    const missing = await server.request('POST', '/api/v1/dns/zones', { token: a.token, body: { name: 'tpl.test' } });
    assert.equal(missing.status, 400);
    assert.match(JSON.stringify(missing.body.details), /needs the variable \\"ip\\"/);
    assert.equal(await server.knex('dns_zones').where({ name: 'tpl.test' }).first(), undefined);
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'tpl.test', variables: { ip: '203.0.113.50' } });
    assert.deepEqual(zone.nameservers, ['ns1.brand.test', 'ns2.brand.test']);
    const rows = await server.knex('dns_record_sets').where({ zone_id: zone.id }).orderBy(['name', 'type']);
    assert.deepEqual(rows.map((r) => `${r.name} ${r.type} ${r.values.join(',')}`), [
      'tpl.test A 203.0.113.50', 'tpl.test MX 10 mail.tpl.test.', 'tpl.test NS ns1.brand.test.,ns2.brand.test.', 'www.tpl.test CNAME tpl.test.',
    ]);
    // Without a template.
    const bare = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'bare.test', templateId: null });
    assert.equal((await server.knex('dns_record_sets').where({ zone_id: bare.id })).length, 0);
    // Clients may not edit templates; tenant B does not see A's.
    assert.equal((await server.request('POST', '/api/v1/dns/zone-templates', { token: clientToken, body: { name: 'x' } })).status, 403);
    assert.equal((await server.request('GET', `/api/v1/dns/zone-templates/${tpl.id}`, { token: b.token })).status, 404);
    assert.equal((await server.request('PATCH', `/api/v1/dns/zone-templates/${tpl.id}`, { token: b.token, body: { name: 'stolen' } })).status, 404);
    await must(server, a.token, 'PATCH', `/api/v1/dns/zone-templates/${tpl.id}`, { isDefault: false });
  });

  it('the change history is a retention target tenants may set (730 days by default)', async () => {
    const res = await server.request('GET', '/api/v1/retention', { token: a.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const views = res.body.data as Array<{ target: string; defaultDays: number; tenantSettable: boolean }>;
    const history = views.find((v) => v.target === 'dns.history');
    assert.deepEqual([history?.defaultDays, history?.tenantSettable], [730, true]);
  });

  it('DNSSEC: enable answers the DS records, stored on the zone, disable clears them', async () => {
    const zone = await must(server, a.token, 'POST', '/api/v1/dns/zones', { name: 'signed.test' });
    const on = await must(server, a.token, 'PUT', `/api/v1/dns/zones/${zone.id}/dnssec`, { enabled: true });
    assert.deepEqual(on, { zoneId: zone.id, supported: true, enabled: true, ds: ['signed.test. IN DS 12345 13 2 ABCDEF0123456789'] });
    assert.ok(memoryDns.signed.has('signed.test.'));
    const status = await must(server, clientToken, 'GET', `/api/v1/dns/zones/${zone.id}/dnssec`, undefined, 404);
    assert.equal(status, undefined);
    assert.deepEqual((await must(server, a.token, 'GET', `/api/v1/dns/zones/${zone.id}/dnssec`)).ds, on.ds);
    const off = await must(server, a.token, 'PUT', `/api/v1/dns/zones/${zone.id}/dnssec`, { enabled: false });
    assert.deepEqual([off.enabled, off.ds], [false, []]);
    const history = await must(server, a.token, 'GET', `/api/v1/dns/zones/${zone.id}/history`);
    assert.deepEqual(history.slice(0, 2).map((h: { action: string }) => h.action), ['dnssec.disabled', 'dnssec.enabled']);
  });
});
