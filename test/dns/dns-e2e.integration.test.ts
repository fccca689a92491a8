import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../../core/src/testing/test-server.ts';
import { createClientAccount, createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../core/src/testing/auth.ts';
import { dig, startPowerDnsLab, type PowerDnsLab } from '../support/powerdns-lab.ts';

/**
 * DNS end to end (issue 17, "Tests, on real services"): mPanel's HTTP API with the dns plugin and
 * the dns-powerdns provider configured on a private PowerDNS (test/support/powerdns-lab.ts); what
 * `dig` gets from that server is what the API wrote. The provider talks to PowerDNS through a
 * counting proxy, so "applied exactly once" is the number of PATCH requests PowerDNS accepted.
 */

const PORT_BASE = 26600; // DNS 26600, API 26601, proxy 26602

interface Counted { method: string; path: string; status: number }

/** Forwards every request to the lab's API and records what PowerDNS answered; 502 when it is down. */
async function countingProxy(port: number, target: () => string): Promise<{ server: Server; seen: Counted[] }> {
  const seen: Counted[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', target());
      const up = httpRequest(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (upRes) => {
        const body: Buffer[] = [];
        upRes.on('data', (c: Buffer) => body.push(c));
        upRes.on('end', () => {
          seen.push({ method: req.method ?? '', path: url.pathname, status: upRes.statusCode ?? 0 });
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(Buffer.concat(body));
        });
      });
      up.on('error', () => {
        seen.push({ method: req.method ?? '', path: url.pathname, status: 0 });
        res.destroy(); // as a stopped PowerDNS does: the connection goes away
      });
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, seen };
}

async function waitFor<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what} not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sorted = (v: string[]) => [...v].sort();

describe('DNS end to end: the API publishes to a real PowerDNS (integration)', function () {
  this.timeout(180_000);
  let lab: PowerDnsLab;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let server: TestServer;
  let dir: string;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let clientId: string;
  let clientToken: string;

  const must = async <T = any>(token: string, method: string, path: string, body?: unknown, status = method === 'POST' ? 201 : 200): Promise<T> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
    assert.equal(res.status, status, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data as T;
  };
  const zoneOf = (token: string, id: string) => must(token, 'GET', `/api/v1/dns/zones/${id}`);
  const published = (id: string, token = a.token) =>
    waitFor(async () => {
      const z = await zoneOf(token, id);
      assert.notEqual(z.publication.state, 'failed', JSON.stringify(z.publication));
      return z.publication.state === 'published' && z ? z : null;
    }, 30_000, `zone ${id} published`);
  const patches = (zone: string) => proxy.seen.filter((s) => s.method === 'PATCH' && decodeURIComponent(s.path).endsWith(`/zones/${zone}.`) && s.status === 204).length;
  const pdnsZones = async (): Promise<string[]> => {
    const res = await fetch(`${lab.apiUrl}/api/v1/servers/localhost/zones`, { headers: { 'X-API-Key': lab.apiKey } });
    assert.equal(res.status, 200);
    return ((await res.json()) as Array<{ name: string }>).map((z) => z.name);
  };
  const serial = (zone: string) => Number(dig(lab, zone, 'SOA').values[0]?.split(' ')[2]);

  before(async () => {
    lab = await startPowerDnsLab({ portBase: PORT_BASE });
    proxy = await countingProxy(PORT_BASE + 2, () => lab.apiUrl);
    dir = mkdtempSync(join(tmpdir(), 'mpanel-dns-e2e-'));
    for (const name of ['billing', 'dns', 'dns-powerdns']) symlinkSync(fileURLToPath(new URL(`../../plugins/${name}`, import.meta.url)), join(dir, name));
    server = await startTestServer({
      env: { WORKFLOW_LEASE_MS: '400', WORKFLOW_SWEEP_MS: '50', MPANEL_ALLOW_PRIVATE_TARGETS: 'true' },
      plugins: { directories: [dir], eventRetryBaseMs: 50 },
    });
    a = await createTenantWithAdmin(server);
    b = await createTenantWithAdmin(server);
    for (const t of [a, b]) {
      await must(t.token, 'PUT', '/api/v1/plugins/dns-powerdns/settings', { apiUrl: `http://127.0.0.1:${PORT_BASE + 2}`, apiKey: lab.apiKey, nameservers: ['ns1.lab.test.', 'ns2.lab.test.'], timeoutSeconds: 3 });
    }
    clientId = await createClientAccount(server, a.token);
    clientToken = (await createUser(server, a.token, ['client'], { tenant: a.tenant.slug, clientId })).token;
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (proxy ? proxy.server.close(() => resolve()) : resolve()));
    await lab?.stop();
  });

  it('staff create a zone with A, AAAA, MX, TXT, CNAME, SRV, CAA: dig answers exactly them; an edit and a delete follow', async () => {
    const zone = await must(a.token, 'POST', '/api/v1/dns/zones', { name: 'e2e-shop.test' });
    const add = (body: Record<string, unknown>) => must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, body);
    const apexA = await add({ name: '@', type: 'A', ttl: 300, values: ['192.0.2.10', '192.0.2.11'] });
    await add({ name: '@', type: 'AAAA', values: ['2001:db8::10'] });
    await add({ name: '@', type: 'MX', values: ['10 mail.e2e-shop.test', '20 backup.example.net.'] });
    await add({ name: '@', type: 'TXT', values: ['v=spf1 mx -all', 'google-site-verification=abc'] });
    const www = await add({ name: 'www', type: 'CNAME', values: ['e2e-shop.test.'] });
    await add({ name: '_sip._tcp', type: 'SRV', values: ['10 60 5060 sip.e2e-shop.test'] });
    await add({ name: '@', type: 'CAA', values: ['0 issue "letsencrypt.org"'] });
    const mail = await add({ name: 'mail', type: 'A', values: ['192.0.2.25'] });
    await published(zone.id);

    const apex = dig(lab, 'e2e-shop.test', 'A');
    assert.equal(apex.status, 'NOERROR');
    assert.ok(apex.flags.includes('aa'), 'authoritative');
    assert.deepEqual(sorted(apex.values), ['192.0.2.10', '192.0.2.11']);
    assert.deepEqual(apex.answers.map((x) => x[1]), ['300', '300'], 'the TTL written');
    assert.deepEqual(dig(lab, 'e2e-shop.test', 'AAAA').values, ['2001:db8::10']);
    assert.deepEqual(sorted(dig(lab, 'e2e-shop.test', 'MX').values), ['10 mail.e2e-shop.test.', '20 backup.example.net.']);
    assert.deepEqual(sorted(dig(lab, 'e2e-shop.test', 'TXT').values), ['"google-site-verification=abc"', '"v=spf1 mx -all"']);
    assert.deepEqual(dig(lab, 'www.e2e-shop.test', 'CNAME').values, ['e2e-shop.test.']);
    assert.deepEqual(dig(lab, '_sip._tcp.e2e-shop.test', 'SRV').values, ['10 60 5060 sip.e2e-shop.test.']);
    assert.deepEqual(dig(lab, 'e2e-shop.test', 'CAA').values, ['0 issue "letsencrypt.org"']);
    assert.deepEqual(dig(lab, 'mail.e2e-shop.test', 'A').values, ['192.0.2.25']);
    assert.deepEqual(sorted(dig(lab, 'e2e-shop.test', 'NS').values), ['ns1.lab.test.', 'ns2.lab.test.']);
    assert.equal(dig(lab, 'nothing.e2e-shop.test', 'A').status, 'NXDOMAIN');
    // Exactly what the API holds: every (name, type) PowerDNS has besides SOA/NS is one of mPanel's sets.
    const rows = await server.knex('dns_record_sets').where({ zone_id: zone.id });
    const res = await fetch(`${lab.apiUrl}/api/v1/servers/localhost/zones/e2e-shop.test.`, { headers: { 'X-API-Key': lab.apiKey } });
    const rrsets = ((await res.json()) as { rrsets: Array<{ name: string; type: string; records: Array<{ content: string }> }> }).rrsets.filter((r) => !['SOA', 'NS'].includes(r.type));
    assert.deepEqual(sorted(rrsets.map((r) => `${r.name} ${r.type} ${sorted(r.records.map((x) => x.content)).join('|')}`)),
      sorted(rows.map((r) => `${r.name}. ${r.type} ${sorted(r.values).join('|')}`)));

    await must(a.token, 'PATCH', `/api/v1/dns/zones/${zone.id}/records/${apexA.id}`, { values: ['198.51.100.1'], ttl: 120 });
    await must(a.token, 'DELETE', `/api/v1/dns/zones/${zone.id}/records/${mail.id}`);
    await must(a.token, 'DELETE', `/api/v1/dns/zones/${zone.id}/records/${www.id}`);
    await published(zone.id);
    const edited = dig(lab, 'e2e-shop.test', 'A');
    assert.deepEqual(edited.values, ['198.51.100.1']);
    assert.equal(edited.answers[0]![1], '120');
    assert.equal(dig(lab, 'mail.e2e-shop.test', 'A').status, 'NXDOMAIN');
    assert.deepEqual(dig(lab, 'www.e2e-shop.test', 'CNAME').values, []);

    // Deleting the zone removes it from PowerDNS.
    await must(a.token, 'DELETE', `/api/v1/dns/zones/${zone.id}`);
    await waitFor(async () => !(await pdnsZones()).includes('e2e-shop.test.'), 20_000, 'zone gone from PowerDNS');
    assert.equal(dig(lab, 'e2e-shop.test', 'A').status, 'REFUSED');
  });

  it('BIND import publishes what the file says', async () => {
    const zone = await must(a.token, 'POST', '/api/v1/dns/zones', { name: 'e2e-bind.test' });
    const file = [
      '$ORIGIN e2e-bind.test.',
      '$TTL 7200',
      '@ IN SOA ns1.e2e-bind.test. hostmaster.e2e-bind.test. ( 2024010101 3600 900 604800 300 )',
      '@       300 IN A 203.0.113.10',
      '        IN MX 10 mail',
      'www     IN CNAME @',
      'mail    IN A 203.0.113.11',
      '        IN AAAA 2001:db8::11',
      '_dmarc  IN TXT "v=DMARC1; p=none"',
      '_sip._tcp IN SRV 10 5 5060 sip.e2e-bind.test.',
      '@       IN CAA 0 issue "letsencrypt.org"',
    ].join('\n');
    const res = await must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/import`, { zoneFile: file }, 200);
    assert.ok(res.imported >= 8, JSON.stringify(res));
    await published(zone.id);
    const apex = dig(lab, 'e2e-bind.test', 'A');
    assert.deepEqual([apex.values, apex.answers[0]![1]], [['203.0.113.10'], '300']);
    assert.deepEqual(dig(lab, 'e2e-bind.test', 'MX').values, ['10 mail.e2e-bind.test.']);
    assert.equal(dig(lab, 'e2e-bind.test', 'MX').answers[0]![1], '7200', '$TTL applies');
    assert.deepEqual(dig(lab, 'www.e2e-bind.test', 'CNAME').values, ['e2e-bind.test.']);
    assert.deepEqual(dig(lab, 'mail.e2e-bind.test', 'A').values, ['203.0.113.11']);
    assert.deepEqual(dig(lab, 'mail.e2e-bind.test', 'AAAA').values, ['2001:db8::11']);
    assert.deepEqual(dig(lab, '_dmarc.e2e-bind.test', 'TXT').values, ['"v=DMARC1; p=none"']);
    assert.deepEqual(dig(lab, '_sip._tcp.e2e-bind.test', 'SRV').values, ['10 5 5060 sip.e2e-bind.test.']);
    assert.deepEqual(dig(lab, 'e2e-bind.test', 'CAA').values, ['0 issue "letsencrypt.org"']);
  });

  it('DNSSEC through the API: dig +dnssec shows RRSIGs and the API shows the DS of the served DNSKEY', async () => {
    const zone = await must(a.token, 'POST', '/api/v1/dns/zones', { name: 'e2e-signed.test' });
    await must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: '@', type: 'A', values: ['192.0.2.77'] });
    await published(zone.id);
    assert.equal(dig(lab, 'e2e-signed.test', 'A', { dnssec: true }).answers.filter((x) => x[3] === 'RRSIG').length, 0, 'not signed yet');

    const on = await must(a.token, 'PUT', `/api/v1/dns/zones/${zone.id}/dnssec`, { enabled: true }, 200);
    assert.equal(on.enabled, true);
    assert.ok(on.ds.length >= 1, JSON.stringify(on));
    const signed = dig(lab, 'e2e-signed.test', 'A', { dnssec: true });
    assert.deepEqual(signed.values, ['192.0.2.77']);
    const rrsig = signed.answers.find((x) => x[3] === 'RRSIG');
    assert.ok(rrsig, signed.raw);
    assert.equal(rrsig[4], 'A');
    // The DS shown for the registrar is the digest of the DNSKEY PowerDNS serves: key tag, algorithm, digest.
    const dnskeys = dig(lab, 'e2e-signed.test', 'DNSKEY', { dnssec: true, tcp: true });
    assert.ok(dnskeys.values.length >= 1, dnskeys.raw);
    const ksk = dnskeys.answers.filter((x) => x[3] === 'DNSKEY');
    const computed = computeDs('e2e-signed.test.', ksk.map((x) => x.slice(4)));
    const shown = await must(a.token, 'GET', `/api/v1/dns/zones/${zone.id}/dnssec`);
    assert.equal(shown.enabled, true);
    const sha256 = (shown.ds as string[]).filter((d) => / DS \d+ \d+ 2 /.test(d) || /^\d+ \d+ 2 /.test(d));
    assert.ok(sha256.length >= 1, JSON.stringify(shown.ds));
    for (const ds of sha256) {
      const [tag, alg, , digest] = ds.replace(/^.* DS /, '').split(/\s+/);
      assert.ok(computed.some((c) => c.tag === Number(tag) && c.alg === Number(alg) && c.sha256 === digest!.toLowerCase()), `${ds} matches a served DNSKEY (${JSON.stringify(computed)})`);
    }
    assert.deepEqual((await zoneOf(a.token, zone.id)).dnssec.enabled, true);

    await must(a.token, 'PUT', `/api/v1/dns/zones/${zone.id}/dnssec`, { enabled: false }, 200);
    assert.equal(dig(lab, 'e2e-signed.test', 'A', { dnssec: true }).answers.filter((x) => x[3] === 'RRSIG').length, 0, 'no longer signed');
  });

  it('PowerDNS stopped during an edit: the API accepts it, the zone shows it queued with a plain error; after the restart it is applied exactly once', async () => {
    const zone = await must(a.token, 'POST', '/api/v1/dns/zones', { name: 'e2e-down.test' });
    const rec = await must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['192.0.2.1'] });
    await published(zone.id);
    const before = { patches: patches('e2e-down.test'), serial: serial('e2e-down.test') };
    assert.ok(before.serial > 0);

    await lab.kill();
    try {
      const edit = await server.request('PATCH', `/api/v1/dns/zones/${zone.id}/records/${rec.id}`, { token: a.token, body: { values: ['192.0.2.99'] } });
      assert.equal(edit.status, 200, JSON.stringify(edit.body));
      const queued = await waitFor(async () => {
        const z = await zoneOf(a.token, zone.id);
        return z.publication.state === 'pending' && z.publication.error ? z : null;
      }, 20_000, 'the zone shows the failure');
      assert.match(queued.publication.error, /Cannot reach the PowerDNS API .*the change stays queued and is retried/);
      assert.equal(await server.knex('dns_pending_changes').where({ zone_id: zone.id }).count({ n: '*' }).first().then((r) => Number(r!.n)), 1);
      // A few retries while it is down.
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal((await zoneOf(a.token, zone.id)).publication.state, 'pending');
    } finally {
      await lab.restart();
    }
    assert.deepEqual(dig(lab, 'www.e2e-down.test', 'A').values, ['192.0.2.1'], 'old value until the retry');
    const done = await published(zone.id);
    assert.equal(done.publication.error, null);
    assert.deepEqual(dig(lab, 'www.e2e-down.test', 'A').values, ['192.0.2.99']);
    // Give any duplicate run time to show itself.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(patches('e2e-down.test') - before.patches, 1, 'one PATCH accepted by PowerDNS');
    assert.equal(serial('e2e-down.test') - before.serial, 1, 'the SOA serial bumped once');
    assert.equal(await server.knex('dns_pending_changes').where({ zone_id: zone.id }).count({ n: '*' }).first().then((r) => Number(r!.n)), 0);
  });

  it('several concurrent edits while PowerDNS is down: after the restart each changed set is sent once, with its last value', async () => {
    const zone = await must(a.token, 'POST', '/api/v1/dns/zones', { name: 'e2e-burst-down.test' });
    const www = await must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['192.0.2.1'] });
    const old = await must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'old', type: 'TXT', values: ['bye'] });
    await published(zone.id);
    const before = patches('e2e-burst-down.test');
    await lab.kill();
    try {
      // Five edits of one set at once (the last one written wins), a new set, a deleted set.
      const edits = await Promise.all([1, 2, 3, 4, 5].map((i) => server.request('PATCH', `/api/v1/dns/zones/${zone.id}/records/${www.id}`, { token: a.token, body: { values: [`198.51.100.${i}`] } })));
      assert.deepEqual(edits.map((r) => r.status), [200, 200, 200, 200, 200]);
      await must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'new', type: 'AAAA', values: ['2001:db8::5'] });
      await must(a.token, 'DELETE', `/api/v1/dns/zones/${zone.id}/records/${old.id}`);
      await waitFor(async () => (await zoneOf(a.token, zone.id)).publication.error, 20_000, 'failure shown');
    } finally {
      await lab.restart();
    }
    const final = (await server.knex('dns_record_sets').where({ id: www.id }).first()).values as string[];
    await published(zone.id);
    assert.deepEqual(dig(lab, 'www.e2e-burst-down.test', 'A').values, final);
    assert.deepEqual(dig(lab, 'new.e2e-burst-down.test', 'AAAA').values, ['2001:db8::5']);
    assert.equal(dig(lab, 'old.e2e-burst-down.test', 'TXT').status, 'NXDOMAIN');
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(patches('e2e-burst-down.test') - before, 3, 'www, new and old: one accepted PATCH each');
  });

  it('a zone created and another deleted while PowerDNS is down converge after the restart', async () => {
    const doomed = await must(a.token, 'POST', '/api/v1/dns/zones', { name: 'e2e-doomed.test' });
    await must(a.token, 'POST', `/api/v1/dns/zones/${doomed.id}/records`, { name: '@', type: 'A', values: ['192.0.2.66'] });
    await published(doomed.id);
    await lab.kill();
    let born: { id: string };
    try {
      born = await must(a.token, 'POST', '/api/v1/dns/zones', { name: 'e2e-born.test' });
      await must(a.token, 'POST', `/api/v1/dns/zones/${born.id}/records`, { name: '@', type: 'A', values: ['192.0.2.67'] });
      await must(a.token, 'DELETE', `/api/v1/dns/zones/${doomed.id}`);
      await waitFor(async () => (await zoneOf(a.token, born.id)).publication.error, 20_000, 'failure shown');
      // The deleted zone's row stays until PowerDNS has removed it.
      assert.ok(await server.knex('dns_zones').where({ id: doomed.id }).first());
    } finally {
      await lab.restart();
    }
    await published(born!.id);
    assert.deepEqual(dig(lab, 'e2e-born.test', 'A').values, ['192.0.2.67']);
    await waitFor(async () => !(await server.knex('dns_zones').where({ id: doomed.id }).first()), 30_000, 'deleted zone row gone');
    assert.equal(dig(lab, 'e2e-doomed.test', 'A').status, 'REFUSED');
    assert.ok(!(await pdnsZones()).includes('e2e-doomed.test.'));
  });

  it("isolation: tenant B cannot see, create under or change A's zone, and nothing of B's reaches PowerDNS", async () => {
    const zone = await must(a.token, 'POST', '/api/v1/dns/zones', { name: 'e2e-tenant-a.test' });
    const rec = await must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['192.0.2.5'] });
    await published(zone.id);
    const seenBefore = proxy.seen.length;
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/dns/zones/${zone.id}`], ['GET', `/api/v1/dns/zones/${zone.id}/records`], ['GET', `/api/v1/dns/zones/${zone.id}/dnssec`],
      ['PUT', `/api/v1/dns/zones/${zone.id}/dnssec`, { enabled: true }], ['POST', `/api/v1/dns/zones/${zone.id}/publish`],
      ['POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'evil', type: 'A', values: ['203.0.113.66'] }],
      ['PATCH', `/api/v1/dns/zones/${zone.id}/records/${rec.id}`, { values: ['203.0.113.66'] }], ['DELETE', `/api/v1/dns/zones/${zone.id}/records/${rec.id}`],
      ['POST', `/api/v1/dns/zones/${zone.id}/import`, { zoneFile: 'evil 300 IN A 203.0.113.66\n' }], ['DELETE', `/api/v1/dns/zones/${zone.id}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await server.request(method, path, { token: b.token, ...(body ? { body } : {}) });
      assert.equal(res.status, 404, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    for (const name of ['e2e-tenant-a.test', 'shop.e2e-tenant-a.test']) {
      const res = await server.request('POST', '/api/v1/dns/zones', { token: b.token, body: { name } });
      assert.equal(res.status, 409, `${name}: ${JSON.stringify(res.body)}`);
    }
    assert.equal((await must(b.token, 'GET', '/api/v1/dns/zones')).some((z: { name: string }) => z.name.includes('e2e-tenant-a')), false);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(proxy.seen.slice(seenBefore).filter((s) => s.method !== 'GET'), [], 'no write reached PowerDNS');
    assert.deepEqual(dig(lab, 'www.e2e-tenant-a.test', 'A').values, ['192.0.2.5']);
    assert.equal(dig(lab, 'evil.e2e-tenant-a.test', 'A').status, 'NXDOMAIN');
    assert.equal(dig(lab, 'e2e-tenant-a.test', 'A', { dnssec: true }).answers.some((x) => x[3] === 'RRSIG'), false, 'B did not sign it');
    assert.ok(!(await pdnsZones()).includes('shop.e2e-tenant-a.test.'));
  });

  it('a client cannot change NS records (403) and PowerDNS still answers the old NS', async () => {
    const zone = await must(clientToken, 'POST', '/api/v1/dns/zones', { name: 'e2e-client.test' });
    await must(clientToken, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'www', type: 'A', values: ['192.0.2.9'] });
    const ns = await must(a.token, 'POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'sub', type: 'NS', values: ['ns1.example.net'] });
    await published(zone.id, clientToken);
    assert.deepEqual(dig(lab, 'www.e2e-client.test', 'A').values, ['192.0.2.9']);
    const apexNs = sorted(dig(lab, 'e2e-client.test', 'NS').values);
    assert.deepEqual(apexNs, ['ns1.lab.test.', 'ns2.lab.test.']);
    const records = await must(clientToken, 'GET', `/api/v1/dns/zones/${zone.id}/records`);
    const apexSet = records.find((r: { type: string; name: string }) => r.type === 'NS' && r.name === 'e2e-client.test');
    const attempts: Array<[string, string, unknown?]> = [
      ['POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'other', type: 'NS', values: ['ns1.evil.test'] }],
      ['PATCH', `/api/v1/dns/zones/${zone.id}/records/${ns.id}`, { values: ['ns1.evil.test'] }],
      ['DELETE', `/api/v1/dns/zones/${zone.id}/records/${ns.id}`],
      ...(apexSet ? [['PATCH', `/api/v1/dns/zones/${zone.id}/records/${apexSet.id}`, { values: ['ns1.evil.test'] }] as [string, string, unknown]] : []),
    ];
    const seenBefore = proxy.seen.length;
    for (const [method, path, body] of attempts) {
      const res = await server.request(method, path, { token: clientToken, ...(body ? { body } : {}) });
      assert.equal(res.status, 403, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const imported = await server.request('POST', `/api/v1/dns/zones/${zone.id}/import`, { token: clientToken, body: { zoneFile: '@ 300 IN NS ns1.evil.test.\n' } });
    // A client's import keeps the staff-only sets out and says so.
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(imported.body.data, { imported: 0, removed: 0, skipped: ['e2e-client.test NS'] });
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(proxy.seen.slice(seenBefore).filter((s) => s.method !== 'GET'), []);
    assert.deepEqual(sorted(dig(lab, 'e2e-client.test', 'NS').values), apexNs);
    // The staff's delegation is still served (a referral naming ns1.example.net.).
    assert.match(dig(lab, 'sub.e2e-client.test', 'NS').raw, /sub\.e2e-client\.test\.\s+\d+\s+IN\s+NS\s+ns1\.example\.net\./);
    assert.equal((await server.knex('dns_record_sets').where({ zone_id: zone.id, type: 'NS' })).length, apexSet ? 2 : 1);
    // Another client of the same tenant: 404 on this client's zone, and nothing reaches PowerDNS.
    const other = (await createUser(server, a.token, ['client'], { tenant: a.tenant.slug, clientId: await createClientAccount(server, a.token) })).token;
    const rec = records.find((r: { type: string }) => r.type === 'A');
    for (const [method, path, body] of [
      ['GET', `/api/v1/dns/zones/${zone.id}`], ['PATCH', `/api/v1/dns/zones/${zone.id}/records/${rec.id}`, { values: ['203.0.113.66'] }],
      ['DELETE', `/api/v1/dns/zones/${zone.id}/records/${rec.id}`], ['POST', `/api/v1/dns/zones/${zone.id}/records`, { name: 'x', type: 'A', values: ['203.0.113.66'] }],
      ['DELETE', `/api/v1/dns/zones/${zone.id}`],
    ] as Array<[string, string, unknown?]>) {
      const res = await server.request(method, path, { token: other, ...(body ? { body } : {}) });
      assert.equal(res.status, 404, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(proxy.seen.slice(seenBefore).filter((s) => s.method !== 'GET'), []);
    assert.deepEqual(dig(lab, 'www.e2e-client.test', 'A').values, ['192.0.2.9']);
    assert.doesNotMatch(dig(lab, 'sub.e2e-client.test', 'NS').raw + dig(lab, 'other.e2e-client.test', 'NS').raw, /evil/);
  });
});


/** RFC 4034 §5.1.4: DS digest = hash(owner name in wire format | DNSKEY RDATA); key tag per Appendix B. */
function computeDs(owner: string, keys: string[][]): Array<{ tag: number; alg: number; sha256: string }> {
  const wireName = Buffer.concat([...owner.replace(/\.$/, '').toLowerCase().split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
  return keys.map(([flags, protocol, alg, ...key]) => {
    const rdata = Buffer.concat([Buffer.from([Number(flags) >> 8, Number(flags) & 0xff, Number(protocol), Number(alg)]), Buffer.from(key.join(''), 'base64')]);
    let ac = 0;
    for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
    ac += (ac >> 16) & 0xffff;
    return { tag: ac & 0xffff, alg: Number(alg), sha256: createHash('sha256').update(Buffer.concat([wireName, rdata])).digest('hex') };
  });
}
