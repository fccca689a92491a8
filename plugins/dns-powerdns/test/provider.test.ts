import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DnsProviderError, ExtensionCallContext } from '@mpanel/sdk';
import { TRANSIENT_TRIES, createPowerDnsProvider, mapError, recordOf, txtContent, type PowerDnsSettings } from '../src/provider.ts';

/** A tiny stand-in for the PowerDNS API: each test says how it answers and sees what was sent. */
class Stub {
  server!: Server;
  port = 0;
  seen: { method: string; url: string; key: string | undefined; body: unknown }[] = [];
  answer: (req: IncomingMessage, body: unknown) => { status: number; body?: unknown; delayMs?: number } = () => ({ status: 200, body: {} });

  async start(port: number): Promise<this> {
    this.server = createServer((req, res: ServerResponse) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = raw ? JSON.parse(raw) : undefined;
        this.seen.push({ method: req.method!, url: req.url!, key: req.headers['x-api-key'] as string | undefined, body });
        const a = this.answer(req, body);
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(a.status, { 'content-type': 'application/json' });
          res.end(a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
        }, a.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = port;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function failure(p: Promise<unknown>): Promise<DnsProviderError> {
  try {
    await p;
  } catch (err) {
    assert.equal((err as Error).name, 'DnsProviderError', String(err));
    return err as DnsProviderError;
  }
  return assert.fail('expected a DnsProviderError');
}

const TENANT = '0b5e7d1c-1111-4a4a-8888-000000000001';

describe('dns-powerdns: provider against a stub API', () => {
  let stub: Stub;
  const provider = createPowerDnsProvider();
  const ctx = (over: Partial<PowerDnsSettings> = {}): ExtensionCallContext<PowerDnsSettings> => ({
    tenantId: TENANT,
    settings: { apiUrl: `http://127.0.0.1:${stub.port}`, apiKey: 'k3y', nameservers: ['ns1.example.net', 'ns2.example.net.'], timeoutSeconds: 1, ...over },
  });

  beforeEach(async () => {
    stub = await new Stub().start(25210);
  });
  afterEach(() => stub.close());

  it('creates a zone as Native with the settings nameservers, tenant label and soa_edit_api, under /api/v1/servers/localhost', async () => {
    stub.answer = () => ({ status: 201, body: { id: 'shop.test.', name: 'shop.test.', rrsets: [] } });
    const zone = await provider.createZone(ctx(), 'Shop.TEST');
    assert.deepEqual(zone, { name: 'shop.test.', id: 'shop.test.', nameservers: ['ns1.example.net.', 'ns2.example.net.'] });
    assert.equal(stub.seen[0]!.method, 'POST');
    assert.equal(stub.seen[0]!.url, '/api/v1/servers/localhost/zones');
    assert.equal(stub.seen[0]!.key, 'k3y');
    assert.deepEqual(stub.seen[0]!.body, { name: 'shop.test.', kind: 'Native', nameservers: ['ns1.example.net.', 'ns2.example.net.'], account: TENANT, soa_edit_api: 'DEFAULT', api_rectify: true });
  });

  it('accepts an API URL that already ends in /api/v1 and a custom server id', async () => {
    stub.answer = () => ({ status: 200, body: [] });
    await provider.listZones(ctx({ apiUrl: `http://127.0.0.1:${stub.port}/pdns/api/v1/`, serverId: 'edge-1' }));
    assert.equal(stub.seen[0]!.url, '/pdns/api/v1/servers/edge-1/zones');
  });

  it("409 on create: our own zone converges; another account's is CONFLICT", async () => {
    stub.answer = (req) => (req.method === 'POST' ? { status: 409, body: { error: 'Conflict' } } : { status: 200, body: { id: 'shop.test.', name: 'shop.test.', account: TENANT, rrsets: [{ name: 'shop.test.', type: 'NS', ttl: 3600, records: [{ content: 'ns1.example.net.', disabled: false }] }] } });
    assert.deepEqual(await provider.createZone(ctx(), 'shop.test.'), { name: 'shop.test.', id: 'shop.test.', nameservers: ['ns1.example.net.'] });
    stub.answer = (req) => (req.method === 'POST' ? { status: 409, body: { error: 'Conflict' } } : { status: 200, body: { id: 'shop.test.', name: 'shop.test.', account: 'someone-else', rrsets: [] } });
    const err = await failure(provider.createZone(ctx(), 'shop.test.'));
    assert.deepEqual([err.code, err.retryable], ['CONFLICT', false]);
  });

  it('a 500 on create (a concurrent create won) converges when the zone is ours; stays UNAVAILABLE when it is not there', async () => {
    stub.answer = (req) => (req.method === 'POST' ? { status: 500, body: 'Internal Server Error' } : { status: 200, body: { id: 'race.test.', name: 'race.test.', account: TENANT, rrsets: [] } });
    assert.equal((await provider.createZone(ctx(), 'race.test.')).name, 'race.test.');
    stub.answer = (req) => (req.method === 'POST' ? { status: 500, body: 'Internal Server Error' } : { status: 404, body: 'Not Found' });
    const err = await failure(provider.createZone(ctx(), 'race.test.'));
    assert.deepEqual([err.code, err.retryable], ['UNAVAILABLE', true]);
  });

  it('a 422 is INVALID with PowerDNS message and the record it names', async () => {
    const msg = "Record www.shop.test./A '1.2.3.': Parsing record content (try 'pdnsutil check-zone'): unable to parse IP address, trailing dot";
    stub.answer = () => ({ status: 422, body: { error: msg } });
    const err = await failure(provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'www.shop.test.', type: 'A', ttl: 60, values: ['1.2.3.'] }));
    assert.deepEqual([err.code, err.retryable, err.message, err.record], ['INVALID', false, msg, { name: 'www.shop.test.', type: 'A' }]);
  });

  it('a 422 that names no record is pinned on the record set being written', async () => {
    stub.answer = () => ({ status: 422, body: { error: 'Invalid TTL' } });
    const err = await failure(provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'x.shop.test', type: 'TXT', ttl: 60, values: ['a'] }));
    assert.deepEqual([err.code, err.record], ['INVALID', { name: 'x.shop.test.', type: 'TXT' }]);
  });

  it('upsert is one PATCH REPLACE of the whole set (TXT quoted, duplicates folded); no values is a DELETE', async () => {
    stub.answer = () => ({ status: 204 });
    await provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'shop.test.', type: 'TXT', ttl: 300, values: ['v=spf1 -all', '"already quoted"', 'v=spf1 -all'] });
    assert.equal(stub.seen[0]!.method, 'PATCH');
    assert.equal(stub.seen[0]!.url, '/api/v1/servers/localhost/zones/shop.test.');
    assert.deepEqual(stub.seen[0]!.body, { rrsets: [{ name: 'shop.test.', type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: '"v=spf1 -all"', disabled: false }, { content: '"already quoted"', disabled: false }] }] });
    await provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'old.shop.test.', type: 'A', ttl: 300, values: [] });
    await provider.deleteRecordSet(ctx(), 'shop.test.', 'gone.shop.test.', 'CNAME');
    assert.deepEqual(stub.seen.slice(1).map((s) => s.body), [
      { rrsets: [{ name: 'old.shop.test.', type: 'A', changetype: 'DELETE' }] },
      { rrsets: [{ name: 'gone.shop.test.', type: 'CNAME', changetype: 'DELETE' }] },
    ]);
  });

  it('absurd TTLs and unknown types are refused before any request', async () => {
    for (const ttl of [0, -5, 1.5, 2 ** 40]) {
      const err = await failure(provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'a.shop.test.', type: 'A', ttl, values: ['192.0.2.1'] }));
      assert.equal(err.code, 'INVALID');
    }
    const err = await failure(provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'a.shop.test.', type: 'SOA' as never, ttl: 60, values: ['x'] }));
    assert.equal(err.code, 'INVALID');
    assert.equal(stub.seen.length, 0);
  });

  it('401 and 403 are AUTH (not retried) on every call; the connection test says so', async () => {
    for (const status of [401, 403]) {
      stub.answer = () => ({ status, body: 'Unauthorized' });
      for (const call of [() => provider.listZones(ctx()), () => provider.createZone(ctx(), 'a.test'), () => provider.deleteRecordSet(ctx(), 'a.test', 'a.test', 'A')]) {
        const err = await failure(call());
        assert.deepEqual([err.code, err.retryable], ['AUTH', false]);
      }
    }
    const test = await provider.testConnection(ctx());
    assert.equal(test.ok, false);
    assert.match(test.message!, /refused the API key/);
  });

  it('404 is NOT_FOUND for a record write and for DNSSEC status; deleting a missing zone succeeds', async () => {
    stub.answer = () => ({ status: 404, body: 'Not Found' });
    assert.equal((await failure(provider.upsertRecordSet(ctx(), 'nope.test', { name: 'nope.test', type: 'A', ttl: 60, values: ['192.0.2.1'] }))).code, 'NOT_FOUND');
    assert.equal((await failure(provider.dnssec!.status(ctx(), 'nope.test'))).code, 'NOT_FOUND');
    await provider.deleteZone(ctx(), 'nope.test');
    assert.equal(stub.seen.at(-1)!.method, 'DELETE');
  });

  it('5xx, 429 and a timeout are UNAVAILABLE and retryable', async () => {
    for (const status of [500, 502, 503, 504, 429]) {
      stub.seen = [];
      stub.answer = () => ({ status, body: { error: 'busy' } });
      const err = await failure(provider.listZones(ctx({ timeoutSeconds: 10 })));
      assert.deepEqual([err.code, err.retryable], ['UNAVAILABLE', true], `HTTP ${status}`);
      // 500/502/503 are tried again (a locked SQLite backend); a gateway timeout or a rate limit is not.
      assert.equal(stub.seen.length, [500, 502, 503].includes(status) ? TRANSIENT_TRIES : 1, `HTTP ${status}`);
    }
    stub.answer = () => ({ status: 200, body: [], delayMs: 1500 });
    const err = await failure(provider.listZones(ctx()));
    assert.deepEqual([err.code, err.retryable], ['UNAVAILABLE', true]);
    assert.match(err.message, /did not answer within 1 s/);
  });

  it('a 500 that goes away (SQLite "database is locked") is tried again and the write succeeds; a 422 is not tried again', async () => {
    let n = 0;
    stub.answer = () => (++n < 3 ? { status: 500, body: 'Internal Server Error' } : { status: 204 });
    await provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'a.shop.test.', type: 'A', ttl: 60, values: ['192.0.2.1'] });
    assert.equal(stub.seen.length, 3);
    stub.seen = [];
    stub.answer = () => ({ status: 422, body: { error: 'nope' } });
    await failure(provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'a.shop.test.', type: 'A', ttl: 60, values: ['192.0.2.1'] }));
    assert.equal(stub.seen.length, 1);
  });

  it('retries of a 500 stop at the call timeout', async () => {
    stub.answer = () => ({ status: 500, body: 'Internal Server Error' });
    const started = Date.now();
    const err = await failure(provider.listZones(ctx({ timeoutSeconds: 1 })));
    assert.equal(err.code, 'UNAVAILABLE');
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    assert.ok(stub.seen.length >= 2 && stub.seen.length <= TRANSIENT_TRIES, String(stub.seen.length));
  });

  it('a refused connection is UNAVAILABLE', async () => {
    await stub.close();
    const err = await failure(provider.upsertRecordSet(ctx(), 'shop.test.', { name: 'a.shop.test.', type: 'A', ttl: 60, values: ['192.0.2.1'] }));
    assert.deepEqual([err.code, err.retryable], ['UNAVAILABLE', true]);
    assert.match(err.message, /ECONNREFUSED/);
    stub = await new Stub().start(25210);
  });

  it('a zone name that is not a DNS name is INVALID before any request (no path games)', async () => {
    for (const zone of ['..', '.', 'a..b', '../../servers', 'x'.repeat(64) + '.test', 'sp ace.test', 'q?.test']) {
      for (const call of [() => provider.deleteZone(ctx(), zone), () => provider.createZone(ctx(), zone), () => provider.listRecords(ctx(), zone), () => provider.dnssec!.enable(ctx(), zone)]) {
        assert.equal((await failure(call())).code, 'INVALID', zone);
      }
    }
    assert.equal(stub.seen.length, 0);
    stub.answer = () => ({ status: 204 });
    await provider.deleteRecordSet(ctx(), '0/26.2.0.192.in-addr.arpa', '5.0/26.2.0.192.in-addr.arpa.', 'PTR');
    assert.equal(stub.seen[0]!.url, '/api/v1/servers/localhost/zones/0%3D2F26.2.0.192.in-addr.arpa.');
  });

  it('missing or broken settings are AUTH with what to set, before any request', async () => {
    for (const s of [{ apiUrl: '' }, { apiKey: '' }, { apiUrl: 'not a url' }, { apiUrl: 'ftp://127.0.0.1/' }]) {
      const err = await failure(provider.listZones(ctx(s)));
      assert.equal(err.code, 'AUTH', JSON.stringify(s));
    }
    assert.equal(stub.seen.length, 0);
  });

  it('the host guard refuses a private API host before any request', async () => {
    const guarded = createPowerDnsProvider({ guard: async (host) => { throw new Error(`${host} is private`); } });
    const err = await failure(guarded.listZones(ctx()));
    assert.equal(err.code, 'AUTH');
    assert.match(err.message, /may not connect to/);
    assert.equal(stub.seen.length, 0);
    assert.equal((await guarded.testConnection(ctx())).ok, false);
  });

  it('settings come from the plugin when the caller passes none', async () => {
    stub.answer = () => ({ status: 200, body: { daemon_type: 'authoritative', version: '4.7.3' } });
    const own = createPowerDnsProvider({ settingsOf: async () => ({ apiUrl: `http://127.0.0.1:${stub.port}`, apiKey: 'own' }) });
    const test = await own.testConnection({ tenantId: TENANT, settings: {} });
    assert.deepEqual(test, { ok: true, message: 'PowerDNS Authoritative 4.7.3' });
    assert.equal(stub.seen[0]!.key, 'own');
  });

  it('DNSSEC status lists DS and DNSKEY of active keys in presentation format', async () => {
    stub.answer = (req) =>
      req.url!.endsWith('/cryptokeys')
        ? { status: 200, body: [{ active: true, published: true, dnskey: '257 3 13 AAAA', ds: ['1 13 2 ab', '1 13 4 cd'] }, { active: false, dnskey: '256 3 13 BBBB', ds: ['2 13 2 ef'] }] }
        : { status: 200, body: { id: 'shop.test.', name: 'shop.test.', dnssec: true } };
    assert.deepEqual(await provider.dnssec!.status(ctx(), 'shop.test'), {
      enabled: true,
      ds: ['shop.test. IN DS 1 13 2 ab', 'shop.test. IN DS 1 13 4 cd'],
      dnskeys: ['shop.test. IN DNSKEY 257 3 13 AAAA'],
    });
  });
});

describe('dns-powerdns: error mapping helpers', () => {
  it('reads the record out of both PowerDNS 422 message shapes', () => {
    assert.deepEqual(recordOf("Record c.a.test./CNAME 'www.a.test': Not in expected format"), { name: 'c.a.test.', type: 'CNAME' });
    assert.deepEqual(recordOf('RRset www.b.test. IN A: Name is out of zone'), { name: 'www.b.test.', type: 'A' });
    assert.equal(recordOf('Nameserver is not canonical'), undefined);
    assert.equal(mapError(400, '{"error":"bad json"}', { what: 'x' }).code, 'INVALID');
    assert.equal(mapError(504, '', { what: 'x' }).code, 'UNAVAILABLE');
  });

  it('quotes TXT values, escapes quotes and splits at 255 bytes', () => {
    assert.equal(txtContent('say "hi"'), '"say \\"hi\\""');
    assert.equal(txtContent(''), '""');
    const long = txtContent('x'.repeat(300));
    assert.equal(long, `"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
  });
});
