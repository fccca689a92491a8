import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { FakeCloudflareServer } from '../../../test/fakes/cloudflare/server.ts';
import { startBillingServer } from '../../billing/test/support/api-server.ts';
import { must, seedGroup, seedService } from '../../hosting/test/support/seed.ts';
// eslint-disable-next-line no-restricted-imports
import type { TestServer } from '../../../core/src/testing/test-server.ts';

/**
 * The cdn plugin over HTTP with hosting (its websites), cdn-cloudflare (the provider) and the
 * Cloudflare fake behind the official SDK: what the fake received is the proof.
 */
describe('cdn API with Cloudflare', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let cf: FakeCloudflareServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let clientToken: string;
  let otherClientToken: string;
  let account: { id: string };
  let website: { id: string; domain: string };
  let otherWebsite: { id: string; accountId: string };
  let bWebsite: { id: string; accountId: string };
  const req = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });

  async function configure(t: TenantWithAdmin, values: Record<string, unknown> = {}) {
    await must(server, t.token, 'PUT', '/api/v1/plugins/cdn-cloudflare/settings', { apiToken: cf.token, accountId: cf.accountId, apiBaseUrl: cf.url, maxRetries: 2, timeoutSeconds: 5, ...values }, 200);
  }

  async function hostedSite(t: TenantWithAdmin, domain: string, clientId?: string) {
    const { plan } = await seedGroup(server, t.token, 'least_full', [{ address: '203.0.113.10' }]);
    const seeded = await seedService(server, t.token, plan.id, clientId);
    const acct = await must(server, t.token, 'POST', '/api/v1/hosting-accounts', { serviceId: seeded.serviceId });
    const site = await must(server, t.token, 'POST', `/api/v1/hosting-accounts/${acct.id}/websites`, { domain });
    return { account: acct, website: site, clientId: seeded.clientId };
  }

  before(async () => {
    cf = await new FakeCloudflareServer().start(25630, 10);
    ({ server, close } = await startBillingServer(['hosting', 'cdn', 'cdn-cloudflare'], { PORT: '25640', MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }));
    a = await createTenantWithAdmin(server, { slug: 'cdn-a' });
    b = await createTenantWithAdmin(server, { slug: 'cdn-b' });
    await configure(a);
    await configure(b);
    const mine = await hostedSite(a, 'shop.cdn-a.example');
    account = mine.account;
    website = mine.website;
    clientToken = (await createUser(server, a.token, ['client'], { tenant: 'cdn-a', clientId: mine.clientId })).token;
    const other = await hostedSite(a, 'other.cdn-a.example');
    otherWebsite = { id: other.website.id, accountId: other.account.id };
    otherClientToken = (await createUser(server, a.token, ['client'], { tenant: 'cdn-a', clientId: other.clientId })).token;
    const theirs = await hostedSite(b, 'shop.cdn-b.example');
    bWebsite = { id: theirs.website.id, accountId: theirs.account.id };
  });
  after(async () => {
    await close?.();
    await cf?.stop();
  });

  let siteId: string;

  it('enables the CDN for a website: zone and proxied record created at Cloudflare, state stored', async () => {
    const res = await req(clientToken, 'POST', '/api/v1/cdn/sites', { accountId: account.id, websiteId: website.id });
    // Clients do not see servers: the origin comes from staff or the default origin setting.
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.deepEqual(res.body.details, { origin: 'unknown' });
    assert.equal(cf.zones.size, 0, 'nothing was sent');
    const made = await must(server, a.token, 'POST', '/api/v1/cdn/sites', { accountId: account.id, websiteId: website.id });
    siteId = made.id;
    const zones = [...cf.zones.values()];
    assert.deepEqual(zones.map((z) => z.name), ['cdn-a.example']);
    const records = [...cf.records.values()];
    assert.deepEqual(records.map((r) => [r.name, r.type, r.content, r.proxied]), [['shop.cdn-a.example', 'A', '203.0.113.10', true]]);
    assert.equal(made.providerSiteId, `${zones[0]!.id}:${records[0]!.id}`);
    assert.deepEqual([made.status, made.hostname, made.provider, made.origin, made.lastError], ['pending', 'shop.cdn-a.example', 'cloudflare', '203.0.113.10', null]);
    assert.deepEqual(made.nameServers, ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com']);
    assert.deepEqual(made.cacheSettings, { cacheLevel: 'aggressive', browserCacheTtl: 14400, developmentMode: false, alwaysUseHttps: false });
    const again = await req(a.token, 'POST', '/api/v1/cdn/sites', { accountId: account.id, websiteId: website.id });
    assert.equal(again.status, 409);
    cf.activate(zones[0]!.id);
    const refreshed = await must(server, clientToken, 'POST', `/api/v1/cdn/sites/${siteId}/refresh`, undefined, 200);
    assert.equal(refreshed.status, 'active');
    const listed = await req(clientToken, 'GET', '/api/v1/cdn/sites');
    assert.deepEqual(listed.body.data.map((s: { id: string }) => s.id), [siteId]);
    assert.deepEqual(listed.body.meta, { total: 1, page: 1, perPage: 20 });
    assert.equal((await server.knex('outbox_events').where({ name: 'cdn.enabled' }).count({ n: '*' }))[0]!.n, 1);
  });

  it('purges with the right body for URLs, prefixes and everything', async () => {
    const before = cf.purges.length;
    const urls = await must(server, clientToken, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, { urls: ['https://shop.cdn-a.example/css/app.css#x', 'http://SHOP.cdn-a.example/js/app.js?v=2'] }, 200);
    assert.deepEqual(urls.purged, { kind: 'urls', count: 2, items: ['https://shop.cdn-a.example/css/app.css', 'http://shop.cdn-a.example/js/app.js?v=2'] });
    await must(server, clientToken, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, { prefixes: ['/images', 'https://shop.cdn-a.example/static/v1'] }, 200);
    const all = await must(server, a.token, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, { everything: true }, 200);
    assert.deepEqual(cf.purges.slice(before).map((p) => p.body), [
      { files: ['https://shop.cdn-a.example/css/app.css', 'http://shop.cdn-a.example/js/app.js?v=2'] },
      { prefixes: ['shop.cdn-a.example/images', 'shop.cdn-a.example/static/v1'] },
      { hosts: ['shop.cdn-a.example'] },
    ]);
    assert.deepEqual(all.site.lastPurge, { kind: 'everything', count: 0 });
    assert.ok(all.site.lastPurgeAt);
  });

  it('refuses bad purges with 400 and sends nothing to Cloudflare', async () => {
    const sent = cf.count();
    const bad: Array<[unknown, string[]]> = [
      [{ urls: ['https://evil.example/x'] }, ['urls[0]']],
      [{ urls: ['https://shop.cdn-a.example.evil.test/x', 'ftp://shop.cdn-a.example/x', 'not a url'] }, ['urls[0]', 'urls[1]', 'urls[2]']],
      [{ urls: ['https://user:pw@shop.cdn-a.example/x'] }, ['urls[0]']],
      [{ prefixes: ['other.cdn-a.example/images'] }, ['prefixes[0]']],
      [{ prefixes: ['/images?x=1'] }, ['prefixes[0]']],
      [{ prefixes: ['javascript:alert(1)'] }, ['prefixes[0]']],
    ];
    for (const [body, fields] of bad) {
      const res = await req(clientToken, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(Object.keys(res.body.details).sort(), fields.sort(), JSON.stringify(res.body));
    }
    for (const body of [{}, { everything: false }, { urls: [] }, { urls: Array.from({ length: 31 }, (_, i) => `https://shop.cdn-a.example/${i}`) }, { everything: true, urls: ['https://shop.cdn-a.example/'] }, { files: ['x'] }]) {
      const res = await req(clientToken, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
    }
    assert.equal(cf.count(), sent, 'no request reached the fake');
  });

  it('retries a 429 from Cloudflare and succeeds; answers 429 with Retry-After when it stays limited', async () => {
    cf.inject({ kind: 'rateLimit', retryAfterSeconds: 1 }, 'purge_cache');
    const before = cf.purges.length;
    await must(server, clientToken, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, { everything: true }, 200);
    assert.equal(cf.purges.length, before + 1);
    for (let i = 0; i < 3; i++) cf.inject({ kind: 'rateLimit', retryAfterSeconds: 0 }, 'purge_cache');
    const limited = await req(clientToken, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, { everything: true });
    assert.equal(limited.status, 429);
    assert.ok(limited.headers.get('retry-after'));
    assert.match(limited.body.error, /rate limiting/);
    const row = await must(server, clientToken, 'GET', `/api/v1/cdn/sites/${siteId}`);
    assert.match(row.lastError, /rate limiting/);
  });

  it('shows Cloudflare\'s auth error in plain words and stores it as the last error', async () => {
    cf.inject({ kind: 'authError' }, 'settings');
    const res = await req(a.token, 'PATCH', `/api/v1/cdn/sites/${siteId}/cache-settings`, { cacheLevel: 'basic' });
    assert.equal(res.status, 502);
    assert.match(res.body.error, /Cloudflare refused the API token: Authentication error \(code 10000\)/);
    const row = await must(server, a.token, 'GET', `/api/v1/cdn/sites/${siteId}`);
    assert.match(row.lastError, /code 10000/);
    assert.ok(row.lastErrorAt);
  });

  it('changes cache settings at Cloudflare, refusing values Cloudflare does not take before calling it', async () => {
    const zoneId = [...cf.zones.values()][0]!.id;
    const changed = await must(server, clientToken, 'PATCH', `/api/v1/cdn/sites/${siteId}/cache-settings`, { cacheLevel: 'simplified', browserCacheTtl: 7200, developmentMode: true }, 200);
    assert.deepEqual(changed.cacheSettings, { cacheLevel: 'simplified', browserCacheTtl: 7200, developmentMode: true, alwaysUseHttps: false });
    assert.deepEqual(cf.settings.get(zoneId), { cache_level: 'simplified', browser_cache_ttl: 7200, development_mode: 'on', always_use_https: 'off' });
    assert.equal(changed.lastError, null, 'a success clears the last error');
    const sent = cf.count();
    for (const body of [{ browserCacheTtl: 7 }, { cacheLevel: 'max' }, {}, { browserCacheTtl: -1 }, { alwaysUseHttps: 'yes' }, { origin: '1.2.3.4' }]) {
      assert.equal((await req(clientToken, 'PATCH', `/api/v1/cdn/sites/${siteId}/cache-settings`, body)).status, 400, JSON.stringify(body));
    }
    assert.equal(cf.count(), sent);
  });

  it('tenant B gets 404 on A\'s CDN site, and cannot enable the CDN on A\'s website', async () => {
    const sent = cf.count();
    for (const [method, path, body] of [
      ['GET', `/api/v1/cdn/sites/${siteId}`, undefined], ['POST', `/api/v1/cdn/sites/${siteId}/purges`, { everything: true }],
      ['PATCH', `/api/v1/cdn/sites/${siteId}/cache-settings`, { cacheLevel: 'basic' }], ['DELETE', `/api/v1/cdn/sites/${siteId}`, undefined],
      ['POST', `/api/v1/cdn/sites/${siteId}/refresh`, undefined],
    ] as const) {
      assert.equal((await req(b.token, method, path, body)).status, 404, `${method} ${path}`);
    }
    assert.deepEqual((await req(b.token, 'GET', '/api/v1/cdn/sites')).body.data, []);
    const cross = await req(b.token, 'POST', '/api/v1/cdn/sites', { accountId: account.id, websiteId: website.id });
    assert.equal(cross.status, 404);
    const mixed = await req(b.token, 'POST', '/api/v1/cdn/sites', { accountId: bWebsite.accountId, websiteId: website.id });
    assert.equal(mixed.status, 404, 'B\'s account with A\'s website');
    assert.equal(cf.count(), sent, 'nothing reached Cloudflare');
  });

  it('a client cannot see, purge or enable another client\'s site', async () => {
    const sent = cf.count();
    assert.equal((await req(otherClientToken, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, { everything: true })).status, 404);
    assert.equal((await req(otherClientToken, 'GET', `/api/v1/cdn/sites/${siteId}`)).status, 404);
    assert.equal((await req(otherClientToken, 'DELETE', `/api/v1/cdn/sites/${siteId}`)).status, 404);
    assert.deepEqual((await req(otherClientToken, 'GET', '/api/v1/cdn/sites')).body.data, []);
    assert.equal((await req(clientToken, 'POST', '/api/v1/cdn/sites', { accountId: otherWebsite.accountId, websiteId: otherWebsite.id })).status, 404);
    assert.equal((await req(clientToken, 'POST', '/api/v1/cdn/sites', { accountId: account.id, websiteId: otherWebsite.id })).status, 404);
    const origin = await req(clientToken, 'POST', '/api/v1/cdn/sites', { accountId: account.id, websiteId: website.id, origin: '10.0.0.1' });
    assert.deepEqual([origin.status, origin.body.details], [400, { origin: 'only staff may choose the origin' }]);
    assert.equal(cf.count(), sent);
  });

  it('refuses Cloudflare settings that Cloudflare refuses, keeping the stored ones', async () => {
    const res = await req(a.token, 'PUT', '/api/v1/plugins/cdn-cloudflare/settings', { apiToken: 'wrong-token-wrong-token-1234' });
    assert.equal(res.status, 400);
    assert.match(res.body.details.apiToken, /refused the API token.*code 10000/);
    await must(server, a.token, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, { urls: ['https://shop.cdn-a.example/still-works'] }, 200);
  });

  it('validates enable input and ids', async () => {
    for (const body of [{}, { accountId: 'x', websiteId: website.id }, { accountId: account.id, websiteId: website.id, provider: 'Bad Name' }, { accountId: account.id, websiteId: website.id, extra: 1 }]) {
      assert.equal((await req(a.token, 'POST', '/api/v1/cdn/sites', body)).status, 400, JSON.stringify(body));
    }
    assert.equal((await req(a.token, 'GET', '/api/v1/cdn/sites/not-a-uuid')).status, 400);
    assert.equal((await req(a.token, 'POST', '/api/v1/cdn/sites', { accountId: account.id, websiteId: website.id, provider: 'nope' })).status, 409);
  });

  it('two enables of one website at once: one wins, the other is a 409, one record at Cloudflare', async () => {
    const body = { accountId: otherWebsite.accountId, websiteId: otherWebsite.id };
    const answers = await Promise.all([req(a.token, 'POST', '/api/v1/cdn/sites', body), req(a.token, 'POST', '/api/v1/cdn/sites', body)]);
    assert.deepEqual(answers.map((r) => r.status).sort(), [201, 409], JSON.stringify(answers.map((r) => r.body)));
    assert.equal([...cf.records.values()].filter((r) => r.name === 'other.cdn-a.example').length, 1);
    const rows = await server.knex('cdn_sites').where({ website_id: otherWebsite.id });
    assert.equal(rows.length, 1);
    // An enable that died half-way (row left `enabling`) blocks for a while, then may be taken over.
    await server.knex('cdn_sites').where({ website_id: otherWebsite.id }).update({ status: 'enabling' });
    assert.equal((await req(a.token, 'POST', '/api/v1/cdn/sites', body)).status, 409);
    await server.knex('cdn_sites').where({ website_id: otherWebsite.id }).update({ updated_at: new Date(Date.now() - 11 * 60_000) });
    const retaken = await req(a.token, 'POST', '/api/v1/cdn/sites', body);
    assert.deepEqual([retaken.status, retaken.body.data?.status], [201, 'active']);
    assert.equal([...cf.records.values()].filter((r) => r.name === 'other.cdn-a.example').length, 1, 'still one record');
    // The other client sees its own site now, and only that one.
    assert.deepEqual((await req(otherClientToken, 'GET', '/api/v1/cdn/sites')).body.data.map((s: { websiteId: string }) => s.websiteId), [otherWebsite.id]);
  });

  it('lets go of a website hosting removed: the record is no longer proxied and the site is disabled', async () => {
    const record = [...cf.records.values()].find((r) => r.name === 'other.cdn-a.example')!;
    assert.equal(record.proxied, true);
    const outcome = (action: string, subjectId: string) => ({
      tenant_id: a.tenant.id, name: 'provisioning.succeeded', source: 'hosting',
      payload: { operationId: randomUUID(), action, subjectType: 'site', subjectId, accountId: otherWebsite.accountId, serverId: null, attempt: 1 },
    });
    // hosting's outcome of the removal, as its provisioning engine writes it (the engine needs a real server to get there).
    await server.knex('outbox_events').insert([outcome('resource.ensure', otherWebsite.id), outcome('resource.remove', randomUUID()), outcome('resource.remove', otherWebsite.id)]);
    server.running.platform.container.cradle.eventDispatcher.loop.wake(); // rows written behind its back: no commit woke it
    const end = Date.now() + 20_000;
    let row: { status: string; status_detail: string | null } | undefined;
    while (Date.now() < end) {
      row = await server.knex('cdn_sites').where({ website_id: otherWebsite.id }).first('status', 'status_detail');
      if (row?.status === 'disabled') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(row, { status: 'disabled', status_detail: 'The website was removed' });
    assert.equal(record.proxied, false);
    assert.equal((await server.knex('cdn_sites').where({ website_id: website.id }).first('status')).status, 'active', 'the other site is untouched');
  });

  it('disables (record no longer proxied), refuses purges while disabled, and enables again on the same site', async () => {
    const record = [...cf.records.values()].find((r) => r.name === 'shop.cdn-a.example')!;
    const off = await must(server, clientToken, 'DELETE', `/api/v1/cdn/sites/${siteId}`, undefined, 200);
    assert.deepEqual([off.status, record.proxied], ['disabled', false]);
    const sent = cf.count();
    assert.equal((await req(clientToken, 'POST', `/api/v1/cdn/sites/${siteId}/purges`, { everything: true })).status, 409);
    assert.equal(cf.count(), sent);
    await must(server, a.token, 'PUT', '/api/v1/plugins/cdn/settings', { defaultOrigin: '198.51.100.20' }, 200);
    const on = await must(server, clientToken, 'POST', '/api/v1/cdn/sites', { accountId: account.id, websiteId: website.id });
    assert.equal(on.id, siteId, 'the same row');
    assert.deepEqual([on.status, on.origin, record.proxied, record.content], ['active', '198.51.100.20', true, '198.51.100.20']);
    assert.equal([...cf.records.values()].filter((r) => r.name === 'shop.cdn-a.example').length, 1, 'the same record, not a second one');
  });
});
