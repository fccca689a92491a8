import assert from 'node:assert/strict';
import type { DnsProviderError, ExtensionCallContext } from '@mpanel/sdk';
import { dig, startPowerDnsLab, type PowerDnsLab } from '../../../test/support/powerdns-lab.ts';
import { createPowerDnsProvider, type PowerDnsSettings } from '../src/provider.ts';

async function failure(p: Promise<unknown>): Promise<DnsProviderError> {
  try {
    await p;
  } catch (err) {
    assert.equal((err as Error).name, 'DnsProviderError', String(err));
    return err as DnsProviderError;
  }
  return assert.fail('expected a DnsProviderError');
}

const TENANT_A = '0b5e7d1c-1111-4a4a-8888-00000000000a';
const TENANT_B = '0b5e7d1c-1111-4a4a-8888-00000000000b';

/**
 * The provider against a real private PowerDNS (HOSTING.md §7.1): what it writes is what `dig`
 * gets from the server, DNSSEC signs the answers, PowerDNS's refusals come back as INVALID with
 * its own message, and a stopped server is UNAVAILABLE until it is back.
 */
describe('dns-powerdns on a real PowerDNS (integration)', function () {
  this.timeout(60_000);
  let lab: PowerDnsLab;
  const provider = createPowerDnsProvider();
  const ctx = (tenantId = TENANT_A): ExtensionCallContext<PowerDnsSettings> => ({
    tenantId,
    settings: { apiUrl: lab.apiUrl, apiKey: lab.apiKey, serverId: 'localhost', nameservers: ['ns1.lab.test.', 'ns2.lab.test.'], timeoutSeconds: 3 },
  });

  before(async () => {
    lab = await startPowerDnsLab({ portBase: 25200 });
  });
  after(async () => {
    await lab?.stop();
  });

  it('testConnection reports the server version; a wrong key is AUTH', async () => {
    const ok = await provider.testConnection(ctx());
    assert.equal(ok.ok, true, ok.message);
    assert.match(ok.message!, /PowerDNS Authoritative 4\./);
    const bad = await provider.testConnection({ ...ctx(), settings: { ...ctx().settings, apiKey: 'wrong' } });
    assert.equal(bad.ok, false);
    const err = await failure(provider.listZones({ ...ctx(), settings: { ...ctx().settings, apiKey: 'wrong' } }));
    assert.equal(err.code, 'AUTH');
  });

  it('records written through the provider are what dig gets: A, AAAA, MX, TXT with two values, CNAME, CAA, SRV', async () => {
    const zone = await provider.createZone(ctx(), 'shop1.test');
    assert.equal(zone.name, 'shop1.test.');
    const z = 'shop1.test.';
    const sets = [
      { name: 'shop1.test.', type: 'A' as const, ttl: 300, values: ['192.0.2.10', '192.0.2.11'] },
      { name: 'shop1.test.', type: 'AAAA' as const, ttl: 300, values: ['2001:db8::10'] },
      { name: 'shop1.test.', type: 'MX' as const, ttl: 300, values: ['10 mail.shop1.test.', '20 backup.example.net.'] },
      { name: '_acme-challenge.shop1.test.', type: 'TXT' as const, ttl: 60, values: ['token-apex', 'token-wildcard'] },
      { name: 'www.shop1.test.', type: 'CNAME' as const, ttl: 300, values: ['shop1.test.'] },
      { name: 'shop1.test.', type: 'CAA' as const, ttl: 300, values: ['0 issue "letsencrypt.org"'] },
      { name: '_sip._tcp.shop1.test.', type: 'SRV' as const, ttl: 300, values: ['10 60 5060 sip.shop1.test.'] },
    ];
    for (const rs of sets) await provider.upsertRecordSet(ctx(), z, rs);

    const a = dig(lab, 'shop1.test', 'A');
    assert.equal(a.status, 'NOERROR');
    assert.ok(a.flags.includes('aa'), 'authoritative answer');
    assert.deepEqual(a.values.sort(), ['192.0.2.10', '192.0.2.11']);
    assert.deepEqual(dig(lab, 'shop1.test', 'AAAA').values, ['2001:db8::10']);
    assert.deepEqual(dig(lab, 'shop1.test', 'MX').values.sort(), ['10 mail.shop1.test.', '20 backup.example.net.']);
    assert.deepEqual(dig(lab, '_acme-challenge.shop1.test', 'TXT').values.sort(), ['"token-apex"', '"token-wildcard"']);
    const cname = dig(lab, 'www.shop1.test', 'CNAME');
    assert.deepEqual(cname.values, ['shop1.test.']);
    assert.deepEqual(dig(lab, 'shop1.test', 'CAA').values, ['0 issue "letsencrypt.org"']);
    assert.deepEqual(dig(lab, '_sip._tcp.shop1.test', 'SRV').values, ['10 60 5060 sip.shop1.test.']);
    // The nameservers from the settings are the zone's NS.
    assert.deepEqual(dig(lab, 'shop1.test', 'NS').values.sort(), ['ns1.lab.test.', 'ns2.lab.test.']);

    // listRecords reads back the same sets (PowerDNS's own SOA is not one of mPanel's types).
    const listed = await provider.listRecords(ctx(), z);
    for (const rs of sets) {
      const got = listed.find((r) => r.name === rs.name && r.type === rs.type);
      assert.ok(got, `${rs.name} ${rs.type} listed`);
      assert.equal(got.ttl, rs.ttl);
      const expected = rs.type === 'TXT' ? rs.values.map((v) => `"${v}"`) : rs.values;
      assert.deepEqual([...got.values].sort(), [...expected].sort());
    }
    assert.ok(!listed.some((r) => (r.type as string) === 'SOA'));

    // Upsert replaces the whole set; delete removes it (twice: idempotent).
    await provider.upsertRecordSet(ctx(), z, { name: '_acme-challenge.shop1.test.', type: 'TXT', ttl: 60, values: ['token-apex'] });
    assert.deepEqual(dig(lab, '_acme-challenge.shop1.test', 'TXT').values, ['"token-apex"']);
    await provider.deleteRecordSet(ctx(), z, '_acme-challenge.shop1.test.', 'TXT');
    await provider.deleteRecordSet(ctx(), z, '_acme-challenge.shop1.test.', 'TXT');
    assert.deepEqual(dig(lab, '_acme-challenge.shop1.test', 'TXT').values, []);
    assert.ok((await provider.listZones(ctx())).some((zz) => zz.name === z));
  });

  it('creating a zone twice converges on one zone; another tenant creating it is CONFLICT', async () => {
    await provider.createZone(ctx(), 'twice.test.');
    await provider.upsertRecordSet(ctx(), 'twice.test.', { name: 'twice.test.', type: 'A', ttl: 60, values: ['192.0.2.50'] });
    const again = await provider.createZone(ctx(), 'twice.test.');
    assert.equal(again.name, 'twice.test.');
    assert.deepEqual(again.nameservers?.sort(), ['ns1.lab.test.', 'ns2.lab.test.']);
    assert.equal((await provider.listZones(ctx())).filter((z) => z.name === 'twice.test.').length, 1);
    assert.deepEqual(dig(lab, 'twice.test', 'A').values, ['192.0.2.50'], 'records kept');
    const err = await failure(provider.createZone(ctx(TENANT_B), 'twice.test.'));
    assert.equal(err.code, 'CONFLICT');
    assert.deepEqual(dig(lab, 'twice.test', 'A').values, ['192.0.2.50'], 'untouched');
  });

  it('concurrent creates of the same zone both succeed with one zone', async () => {
    const results = await Promise.all([1, 2, 3].map(() => provider.createZone(ctx(), 'race.test.')));
    assert.ok(results.every((r) => r.name === 'race.test.'));
    assert.equal((await provider.listZones(ctx())).filter((z) => z.name === 'race.test.').length, 1);
  });

  it('concurrent writes to several zones all land (the SQLite backend answers some of them 500 "database is locked")', async () => {
    const zones = ['c0.test.', 'c1.test.', 'c2.test.', 'c3.test.'];
    for (const z of zones) await provider.createZone(ctx(), z);
    await Promise.all(zones.map(async (z) => {
      for (let i = 0; i < 15; i++) await provider.upsertRecordSet(ctx(), z, { name: `r${i}.${z}`, type: 'A', ttl: 60, values: [`192.0.2.${i + 1}`] });
    }));
    for (const z of zones) for (const i of [0, 7, 14]) assert.deepEqual(dig(lab, `r${i}.${z}`, 'A').values, [`192.0.2.${i + 1}`]);
  });

  it('bad content is INVALID with PowerDNS message and the record; nothing changes', async () => {
    await provider.createZone(ctx(), 'bad.test.');
    await provider.upsertRecordSet(ctx(), 'bad.test.', { name: 'www.bad.test.', type: 'A', ttl: 60, values: ['192.0.2.1'] });
    const err = await failure(provider.upsertRecordSet(ctx(), 'bad.test.', { name: 'www.bad.test.', type: 'A', ttl: 60, values: ['1.2.3.'] }));
    assert.deepEqual([err.code, err.retryable, err.record], ['INVALID', false, { name: 'www.bad.test.', type: 'A' }]);
    assert.match(err.message, /www\.bad\.test\.\/A '1\.2\.3\.'.*IP address/);
    assert.deepEqual(dig(lab, 'www.bad.test', 'A').values, ['192.0.2.1'], 'the old set is still served');

    const out = await failure(provider.upsertRecordSet(ctx(), 'bad.test.', { name: 'www.other.test.', type: 'A', ttl: 60, values: ['192.0.2.1'] }));
    assert.equal(out.code, 'INVALID');
    assert.match(out.message, /out of zone/);
    assert.deepEqual(out.record, { name: 'www.other.test.', type: 'A' });

    const cname = await failure(provider.upsertRecordSet(ctx(), 'bad.test.', { name: 'c.bad.test.', type: 'CNAME', ttl: 60, values: ['not-qualified'] }));
    assert.equal(cname.code, 'INVALID');
    assert.deepEqual(cname.record, { name: 'c.bad.test.', type: 'CNAME' });

    const nozone = await failure(provider.upsertRecordSet(ctx(), 'missing.test.', { name: 'missing.test.', type: 'A', ttl: 60, values: ['192.0.2.1'] }));
    assert.equal(nozone.code, 'NOT_FOUND');
  });

  it('DNSSEC: enable signs the answers and returns DS + DNSKEY; disable stops signing', async () => {
    await provider.createZone(ctx(), 'signed.test.');
    await provider.upsertRecordSet(ctx(), 'signed.test.', { name: 'signed.test.', type: 'A', ttl: 60, values: ['192.0.2.77'] });
    assert.deepEqual(await provider.dnssec!.status(ctx(), 'signed.test.'), { enabled: false, ds: [], dnskeys: [] });

    const status = await provider.dnssec!.enable(ctx(), 'signed.test.');
    assert.equal(status.enabled, true);
    assert.ok(status.ds.length >= 1);
    for (const ds of status.ds) assert.match(ds, /^signed\.test\. IN DS \d+ 13 \d [0-9a-f]+$/);
    assert.match(status.dnskeys![0]!, /^signed\.test\. IN DNSKEY 257 3 13 \S+$/);

    const signed = dig(lab, 'signed.test', 'A', { dnssec: true });
    assert.deepEqual(signed.values, ['192.0.2.77']);
    const rrsig = signed.answers.find((r) => r[3] === 'RRSIG');
    assert.ok(rrsig, signed.raw);
    assert.equal(rrsig[4], 'A');
    assert.equal(rrsig[5], '13', 'ECDSAP256SHA256');
    // The DS the client gives the registrar matches the key the server publishes.
    const keytag = status.ds[0]!.split(' ')[3]!;
    const dnskey = dig(lab, 'signed.test', 'DNSKEY', { dnssec: true });
    assert.ok(dnskey.answers.some((r) => r[3] === 'RRSIG' && r.includes(keytag)), dnskey.raw);
    // Records changed after enabling are signed too (api_rectify).
    await provider.upsertRecordSet(ctx(), 'signed.test.', { name: 'new.signed.test.', type: 'A', ttl: 60, values: ['192.0.2.78'] });
    assert.ok(dig(lab, 'new.signed.test', 'A', { dnssec: true }).answers.some((r) => r[3] === 'RRSIG'));
    // Enabling again is harmless and keeps the same key.
    assert.deepEqual((await provider.dnssec!.enable(ctx(), 'signed.test.')).ds, status.ds);

    await provider.dnssec!.disable(ctx(), 'signed.test.');
    assert.equal((await provider.dnssec!.status(ctx(), 'signed.test.')).enabled, false);
    const plain = dig(lab, 'signed.test', 'A', { dnssec: true });
    assert.deepEqual(plain.values, ['192.0.2.77']);
    assert.ok(!plain.answers.some((r) => r[3] === 'RRSIG'), plain.raw);
  });

  it('PowerDNS stopped: every call is UNAVAILABLE (retryable); started again, the same call works', async () => {
    await provider.createZone(ctx(), 'down.test.');
    await lab.kill();
    try {
      const err = await failure(provider.upsertRecordSet(ctx(), 'down.test.', { name: 'down.test.', type: 'A', ttl: 60, values: ['192.0.2.99'] }));
      assert.deepEqual([err.code, err.retryable], ['UNAVAILABLE', true]);
      assert.match(err.message, /ECONNREFUSED/);
      assert.equal((await failure(provider.createZone(ctx(), 'down2.test.'))).code, 'UNAVAILABLE');
      assert.equal((await provider.testConnection(ctx())).ok, false);
    } finally {
      await lab.restart();
    }
    await provider.upsertRecordSet(ctx(), 'down.test.', { name: 'down.test.', type: 'A', ttl: 60, values: ['192.0.2.99'] });
    assert.deepEqual(dig(lab, 'down.test', 'A').values, ['192.0.2.99']);
  });

  it('an RFC 2317 reverse zone (a "/" in its name) is created, answers its PTR and is deleted', async () => {
    const zone = '0/26.2.0.192.in-addr.arpa.';
    assert.equal((await provider.createZone(ctx(), zone)).id, '0=2F26.2.0.192.in-addr.arpa.');
    await provider.upsertRecordSet(ctx(), zone, { name: `5.${zone}`, type: 'PTR', ttl: 60, values: ['host.example.net.'] });
    assert.deepEqual(dig(lab, `5.${zone}`, 'PTR').values, ['host.example.net.']);
    await provider.deleteZone(ctx(), zone);
    assert.ok(!(await provider.listZones(ctx())).some((z) => z.name === zone));
  });

  it('deleteZone removes it from the server; deleting it again succeeds', async () => {
    await provider.createZone(ctx(), 'gone.test.');
    await provider.upsertRecordSet(ctx(), 'gone.test.', { name: 'gone.test.', type: 'A', ttl: 60, values: ['192.0.2.5'] });
    assert.deepEqual(dig(lab, 'gone.test', 'A').values, ['192.0.2.5']);
    await provider.deleteZone(ctx(), 'gone.test.');
    await provider.deleteZone(ctx(), 'gone.test.');
    assert.equal(dig(lab, 'gone.test', 'A').status, 'REFUSED');
    assert.ok(!(await provider.listZones(ctx())).some((z) => z.name === 'gone.test.'));
  });
});
