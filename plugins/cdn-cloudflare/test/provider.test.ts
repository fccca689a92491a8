import assert from 'node:assert/strict';
import type { CdnProviderError} from '@mpanel/sdk';
import { type PluginContext } from '@mpanel/sdk';
import { FakeCloudflareServer } from '../../../test/fakes/cloudflare/server.ts';
import { cloudflareProvider } from '../src/provider.ts';
import type { CloudflareSettings } from '../src/settings.ts';

/** The provider through the official SDK against the Cloudflare fake. */
describe('cdn-cloudflare provider', function () {
  this.timeout(60_000);
  let cf: FakeCloudflareServer;
  let settings: Partial<CloudflareSettings>;
  const resolved: string[] = [];
  const plugin = {
    settings: { get: async () => settings, set: async () => {} },
    net: { resolvePublic: async (host: string) => { resolved.push(host); return { address: '127.0.0.1', family: 4 as const }; } },
  } as unknown as PluginContext<CloudflareSettings>;
  const provider = cloudflareProvider(plugin);
  const call = { tenantId: '00000000-0000-0000-0000-000000000001', settings: {} };

  beforeEach(async () => {
    cf = await new FakeCloudflareServer().start(25620, 10);
    settings = { apiToken: cf.token, accountId: cf.accountId, apiBaseUrl: cf.url, maxRetries: 2, timeoutSeconds: 5 };
  });
  afterEach(() => cf.stop());

  it('creates the zone and a proxied record, idempotently, and reports the pending zone with its nameservers', async () => {
    const site = await provider.createSite(call, { hostname: 'www.shop.example', origin: '203.0.113.10' });
    const zone = [...cf.zones.values()];
    assert.deepEqual(zone.map((z) => z.name), ['shop.example']);
    const records = [...cf.records.values()];
    assert.deepEqual(records.map((r) => [r.name, r.type, r.content, r.proxied]), [['www.shop.example', 'A', '203.0.113.10', true]]);
    assert.equal(site.id, `${zone[0]!.id}:${records[0]!.id}`);
    assert.equal(site.status, 'pending');
    assert.deepEqual(site.nameServers, ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com']);
    assert.match(site.statusDetail!, /nameservers/);
    assert.ok(resolved.includes('127.0.0.1'), 'a custom API host goes through the private-address guard');
    const again = await provider.createSite(call, { hostname: 'www.shop.example', origin: '203.0.113.11' });
    assert.equal(again.id, site.id, 'same hostname, same site');
    assert.equal(cf.records.size, 1);
    assert.equal(records[0]!.content, '203.0.113.11');
    cf.activate(zone[0]!.id);
    assert.equal((await provider.getSite(call, site.id)).status, 'active');
    await provider.deleteSite(call, site.id);
    const off = await provider.getSite(call, site.id);
    assert.deepEqual([off.status, records[0]!.proxied], ['paused', false]);
  });

  it('uses an existing zone of the account and replaces a CNAME by an A record', async () => {
    const zone = cf.addZone('example.org');
    cf.records.set('c'.repeat(32), { id: 'c'.repeat(32), zone_id: zone.id, zone_name: zone.name, name: 'blog.example.org', type: 'CNAME', content: 'old.example.net', proxied: false, proxiable: true, ttl: 300, comment: null, tags: [], settings: {}, meta: {}, created_on: '', modified_on: '' });
    const site = await provider.createSite(call, { hostname: 'blog.example.org', origin: '198.51.100.7' });
    assert.equal(cf.zones.size, 1);
    assert.deepEqual([...cf.records.values()].map((r) => [r.type, r.content, r.proxied]), [['A', '198.51.100.7', true]]);
    assert.equal(site.status, 'active');
  });

  it('purges with the documented bodies, in chunks of 30', async () => {
    const site = await provider.createSite(call, { hostname: 'shop.example', origin: '203.0.113.10' });
    await provider.purge(call, site.id, { everything: true });
    await provider.purge(call, site.id, { urls: ['https://shop.example/a.css', 'http://shop.example/b.js'] });
    await provider.purge(call, site.id, { prefixes: ['shop.example/img'] });
    const many = Array.from({ length: 31 }, (_, i) => `https://shop.example/${i}`);
    await provider.purge(call, site.id, { urls: many });
    assert.deepEqual(cf.purges.map((p) => p.body), [
      { hosts: ['shop.example'] },
      { files: ['https://shop.example/a.css', 'http://shop.example/b.js'] },
      { prefixes: ['shop.example/img'] },
      { files: many.slice(0, 30) },
      { files: many.slice(30) },
    ]);
  });

  it('reads and changes the zone cache settings', async () => {
    const site = await provider.createSite(call, { hostname: 'shop.example', origin: '203.0.113.10' });
    assert.deepEqual(await provider.getCacheSettings!(call, site.id), { cacheLevel: 'aggressive', browserCacheTtl: 14400, developmentMode: false, alwaysUseHttps: false });
    const changed = await provider.updateCacheSettings!(call, site.id, { cacheLevel: 'basic', browserCacheTtl: 3600, developmentMode: true, alwaysUseHttps: true });
    assert.deepEqual(changed, { cacheLevel: 'basic', browserCacheTtl: 3600, developmentMode: true, alwaysUseHttps: true });
    assert.deepEqual(cf.settings.get(site.id.split(':')[0]!), { cache_level: 'basic', browser_cache_ttl: 3600, development_mode: 'on', always_use_https: 'on' });
    await assert.rejects(provider.updateCacheSettings!(call, site.id, { browserCacheTtl: 7 }), (e: CdnProviderError) => e.code === 'INVALID');
  });

  it('refuses zone-wide cache settings when the zone serves another site too', async () => {
    const site = await provider.createSite(call, { hostname: 'a.hosting.example', origin: '203.0.113.10' });
    await provider.createSite(call, { hostname: 'b.hosting.example', origin: '203.0.113.11' });
    const zoneId = site.id.split(':')[0]!;
    const before = { ...cf.settings.get(zoneId) };
    await assert.rejects(provider.updateCacheSettings!(call, site.id, { developmentMode: true }), (e: CdnProviderError) => {
      assert.equal(e.code, 'INVALID');
      assert.match(e.message, /whole zone hosting\.example, which also serves b\.hosting\.example/);
      return true;
    });
    assert.deepEqual(cf.settings.get(zoneId), before, 'nothing changed');
    await provider.purge(call, site.id, { everything: true });
    assert.deepEqual(cf.purges.at(-1)!.body, { hosts: ['a.hosting.example'] }, 'everything of this site only');
  });

  it('retries a 429 (Retry-After) and succeeds; gives up after maxRetries with RATE_LIMITED', async () => {
    const site = await provider.createSite(call, { hostname: 'shop.example', origin: '203.0.113.10' });
    cf.inject({ kind: 'rateLimit', retryAfterSeconds: 1 }, 'purge_cache');
    const started = Date.now();
    await provider.purge(call, site.id, { everything: true });
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
    assert.deepEqual([cf.count('purge_cache'), cf.purges.length], [2, 1]);
    for (let i = 0; i < 3; i++) cf.inject({ kind: 'rateLimit', retryAfterSeconds: 0 }, 'purge_cache');
    await assert.rejects(provider.purge(call, site.id, { everything: true }), (e: CdnProviderError) => {
      assert.equal(e.code, 'RATE_LIMITED');
      assert.match(e.message, /rate limiting.*after 2 retries/);
      return true;
    });
    assert.equal(cf.count('purge_cache'), 5, '1 + 2 retries');
  });

  it('maps a refused token (code 10000) to AUTH with a clear message, and tests the connection', async () => {
    assert.deepEqual(await provider.testConnection(call), { ok: true, message: 'Cloudflare accepted the API token' });
    settings.apiToken = 'wrong-token-wrong-token-1234';
    await assert.rejects(provider.createSite(call, { hostname: 'shop.example', origin: '203.0.113.10' }), (e: CdnProviderError) => {
      assert.equal(e.code, 'AUTH');
      assert.match(e.message, /refused the API token: Authentication error \(code 10000\)/);
      return true;
    });
    const test = await provider.testConnection(call);
    assert.equal(test.ok, false);
    assert.match(test.message!, /code 10000/);
    delete settings.apiToken;
    await assert.rejects(provider.getSite(call, `${'a'.repeat(32)}:${'b'.repeat(32)}`), /No Cloudflare API token/);
  });

  it('maps outages to UNAVAILABLE after retries and unknown sites to NOT_FOUND', async () => {
    for (let i = 0; i < 3; i++) cf.inject({ kind: 'serverError', status: 503 });
    await assert.rejects(provider.getSite(call, `${'a'.repeat(32)}:${'b'.repeat(32)}`), (e: CdnProviderError) => e.code === 'UNAVAILABLE' && e.retryable);
    await assert.rejects(provider.getSite(call, `${'a'.repeat(32)}:${'b'.repeat(32)}`), (e: CdnProviderError) => e.code === 'NOT_FOUND' && /Invalid zone identifier/.test(e.message));
    await assert.rejects(provider.getSite(call, 'nonsense'), (e: CdnProviderError) => e.code === 'NOT_FOUND');
  });
});
