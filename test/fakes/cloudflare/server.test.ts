import assert from 'node:assert/strict';
import { FakeCloudflareServer } from './server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = Record<string, any>;

/** The fake against Cloudflare API v4's documented request and answer shapes, and its faults. */
describe('Cloudflare API v4 fake', () => {
  let cf: FakeCloudflareServer;
  const call = async (method: string, path: string, body?: unknown, token: string | null = cf.token) => {
    const res = await fetch(`${cf.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer };
  };
  beforeEach(async () => {
    cf = await new FakeCloudflareServer().start(25610, 10);
  });
  afterEach(() => cf.stop());

  it('verifies a token and refuses a wrong one with code 10000 in the error envelope', async () => {
    const ok = await call('GET', '/user/tokens/verify');
    assert.equal(ok.status, 200);
    assert.deepEqual([ok.body.success, ok.body.errors, ok.body.messages, ok.body.result.status], [true, [], [], 'active']);
    for (const token of ['wrong', null]) {
      const bad = await call('GET', '/zones', undefined, token);
      assert.equal(bad.status, 403);
      assert.deepEqual(bad.body, { success: false, errors: [{ code: 10000, message: 'Authentication error' }], messages: [], result: null });
    }
  });

  it('creates a zone (pending, with nameservers), finds it by name with result_info, refuses a duplicate', async () => {
    const made = await call('POST', '/zones', { name: 'Example.com', account: { id: cf.accountId }, type: 'full' });
    assert.equal(made.status, 200);
    assert.equal(made.body.result.name, 'example.com');
    assert.equal(made.body.result.status, 'pending');
    assert.match(made.body.result.id, /^[0-9a-f]{32}$/);
    assert.equal(made.body.result.name_servers.length, 2);
    const found = await call('GET', '/zones?name=example.com');
    assert.deepEqual(found.body.result.map((z: Answer) => z.id), [made.body.result.id]);
    assert.deepEqual(found.body.result_info, { page: 1, per_page: 20, count: 1, total_count: 1, total_pages: 1 });
    const dup = await call('POST', '/zones', { name: 'example.com', account: { id: cf.accountId } });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.errors[0].code, 1061);
    const missing = await call('GET', `/zones/${'0'.repeat(32)}`);
    assert.deepEqual([missing.status, missing.body.errors[0].code], [404, 1001]);
  });

  it('keeps DNS records with the proxied flag, forcing automatic TTL on proxied ones', async () => {
    const zone = cf.addZone('example.com');
    const rec = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'www.example.com', content: '198.51.100.4', ttl: 3600, proxied: true });
    assert.equal(rec.status, 200);
    assert.deepEqual([rec.body.result.proxied, rec.body.result.ttl, rec.body.result.zone_name], [true, 1, 'example.com']);
    const listed = await call('GET', `/zones/${zone.id}/dns_records?name=www.example.com&type=A`);
    assert.equal(listed.body.result.length, 1);
    const patched = await call('PATCH', `/zones/${zone.id}/dns_records/${rec.body.result.id}`, { proxied: false });
    assert.equal(patched.body.result.proxied, false);
    const bad = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'x.example.com', content: 'not-an-ip', proxied: true });
    assert.equal(bad.status, 400);
    const other = await call('POST', `/zones/${zone.id}/dns_records`, { type: 'A', name: 'www.other.org', content: '198.51.100.4' });
    assert.equal(other.status, 400);
    const gone = await call('GET', `/zones/${zone.id}/dns_records/${'f'.repeat(32)}`);
    assert.deepEqual([gone.status, gone.body.errors[0].code], [404, 81044]);
  });

  it('edits zone settings with validated values', async () => {
    const zone = cf.addZone('example.com');
    const level = await call('PATCH', `/zones/${zone.id}/settings/cache_level`, { value: 'basic' });
    assert.deepEqual([level.status, level.body.result.id, level.body.result.value], [200, 'cache_level', 'basic']);
    assert.equal((await call('GET', `/zones/${zone.id}/settings/cache_level`)).body.result.value, 'basic');
    assert.equal((await call('PATCH', `/zones/${zone.id}/settings/browser_cache_ttl`, { value: 7200 })).status, 200);
    const dev = await call('PATCH', `/zones/${zone.id}/settings/development_mode`, { value: 'on' });
    assert.equal(dev.body.result.time_remaining, 10800);
    const bad = await call('PATCH', `/zones/${zone.id}/settings/browser_cache_ttl`, { value: 7 });
    assert.deepEqual([bad.status, bad.body.errors[0].code], [400, 1007]);
    assert.equal((await call('PATCH', `/zones/${zone.id}/settings/always_use_https`, { value: true })).status, 400);
  });

  it('purges by files, prefixes (no scheme) or everything, one kind per request, at most 100', async () => {
    const zone = cf.addZone('example.com');
    const path = `/zones/${zone.id}/purge_cache`;
    assert.deepEqual((await call('POST', path, { files: ['https://www.example.com/css/app.css'] })).body.result, { id: zone.id });
    assert.equal((await call('POST', path, { prefixes: ['www.example.com/img'] })).status, 200);
    assert.equal((await call('POST', path, { purge_everything: true })).status, 200);
    assert.deepEqual(cf.purges.map((p) => p.body), [{ files: ['https://www.example.com/css/app.css'] }, { prefixes: ['www.example.com/img'] }, { purge_everything: true }]);
    for (const body of [{}, { files: ['https://www.example.com/a'], purge_everything: true }, { prefixes: ['https://www.example.com/img'] }, { files: ['https://evil.test/a'] }, { files: Array.from({ length: 101 }, (_, i) => `https://example.com/${i}`) }]) {
      const res = await call('POST', path, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(res.body.success, false);
    }
    assert.equal(cf.purges.length, 3, 'refused purges are not recorded');
  });

  it('injects a 429 with Retry-After (code 971), a 5xx and an auth error, each once', async () => {
    cf.inject({ kind: 'rateLimit', retryAfterSeconds: 7 }, 'purge_cache');
    cf.inject({ kind: 'serverError', status: 502 });
    const zone = cf.addZone('example.com');
    const first = await call('GET', `/zones/${zone.id}`);
    assert.equal(first.status, 502, 'the unmatched fault meets the first request');
    const limited = await call('POST', `/zones/${zone.id}/purge_cache`, { purge_everything: true });
    assert.deepEqual([limited.status, limited.headers.get('retry-after'), limited.body.errors[0].code], [429, '7', 971]);
    assert.equal(cf.purges.length, 0);
    assert.equal((await call('POST', `/zones/${zone.id}/purge_cache`, { purge_everything: true })).status, 200);
    cf.inject({ kind: 'authError' });
    assert.equal((await call('GET', '/zones')).body.errors[0].code, 10000);
    assert.equal(cf.count('purge_cache'), 2);
  });
});
