import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { fakeDomainProofs, type FakeDomainProofs } from '../../src/testing/domain-proofs.ts';

/** Host-name takeover: platform names are reserved, a tenant domain maps only once proved, and never twice. */
describe('tenancy: tenant domains need proof and stay with their verified owner', () => {
  let server: TestServer;
  let proofs: FakeDomainProofs;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  before(async () => {
    server = await startTestServer({ env: { PUBLIC_URL: 'https://panel.platform.test', MPANEL_PLATFORM_DOMAINS: 'Admin.Platform.test, billing.platform.test' } });
    proofs = fakeDomainProofs(server);
    a = await createTenantWithAdmin(server, { slug: 'dom-a' });
    b = await createTenantWithAdmin(server, { slug: 'dom-b' });
  });
  after(() => server?.close());

  const claim = (t: TenantWithAdmin, domain: string) => server.request('POST', `/api/v1/tenants/${t.tenant.id}/domains`, { token: t.token, body: { domain } });
  const verify = (t: TenantWithAdmin, id: string, method?: string) =>
    server.request('POST', `/api/v1/tenants/${t.tenant.id}/domains/${id}/verify`, { token: t.token, body: method ? { method } : {} });
  const publishTxt = (claimed: { verification: { dns: { name: string; value: string } } }) => proofs.txt.set(claimed.verification.dns.name, [claimed.verification.dns.value]);
  /** The tenant (slug) a request with this Host header is served for, as the login page sees it. */
  const tenantOfHost = (host: string) =>
    new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${server.url}/api/v1/ui/branding`, { headers: { host } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
  const rowsOf = (t: TenantWithAdmin) => server.knex('tenant_domains').where({ tenant_id: t.tenant.id }).orderBy('domain');

  it("refuses the platform's own host names, localhost and IP literals, through the new route and the old domains field", async () => {
    for (const domain of ['localhost', 'app.localhost', 'panel.platform.test', 'admin.platform.test', 'BILLING.platform.test.', '127.0.0.1', '::1', '[::1]', 'intranet']) {
      const res = await claim(a, domain);
      assert.equal(res.status, 400, `${domain}: ${JSON.stringify(res.body)}`);
      assert.ok(res.body.details.domain, domain);
      const patched = await server.request('PATCH', `/api/v1/tenants/${a.tenant.id}`, { token: a.token, body: { domains: [domain] } });
      assert.equal(patched.status, 400, `PATCH ${domain}`);
    }
    const created = await server.request('POST', '/api/v1/tenants', { token: (await server.request('POST', '/api/v1/auth/login', { body: { email: 'admin@example.test', password: 'correct-horse-battery-staple' } })).body.data.accessToken, body: { name: 'x', slug: 'dom-x', domains: ['localhost'], admin: { email: 'a@dom-x.test', password: 'plenty-long-test-passphrase' } } });
    assert.equal(created.status, 400);
    assert.deepEqual(await rowsOf(a), []);
    assert.ok(!(await tenantOfHost('localhost')).includes('dom-a'));
  });

  it('a claimed domain serves nothing until its DNS record is published and checked', async () => {
    const res = await claim(a, 'Shop.A.test');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const claimed = res.body.data;
    assert.equal(claimed.domain, 'shop.a.test');
    assert.equal(claimed.status, 'pending');
    assert.equal(claimed.verification.dns.name, '_mpanel-verification.shop.a.test');
    assert.ok(!(await tenantOfHost('shop.a.test')).includes('dom-a'), 'pending: the default tenant answers');
    const unproved = await verify(a, claimed.id);
    assert.equal(unproved.status, 400);
    assert.match(unproved.body.details.domain, /_mpanel-verification\.shop\.a\.test/);
    proofs.txt.set(claimed.verification.dns.name, ['mpanel-verification=wrong-token']);
    assert.equal((await verify(a, claimed.id)).status, 400, 'a wrong token proves nothing');
    publishTxt(claimed);
    const ok = await verify(a, claimed.id);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.data.status, 'verified');
    assert.ok(ok.body.data.verifiedAt);
    assert.ok((await tenantOfHost('shop.a.test:8080')).includes('dom-a'));
    const listed = await server.request('GET', `/api/v1/tenants/${a.tenant.id}/domains`, { token: a.token });
    assert.deepEqual(listed.body.data.map((d: { domain: string; status: string }) => [d.domain, d.status]), [['shop.a.test', 'verified']]);
    assert.equal(listed.body.meta.total, 1);
  });

  it('an HTTP token at /.well-known/mpanel-verification/<token> proves a claim too', async () => {
    const claimed = (await claim(a, 'www.a.test')).body.data;
    proofs.http.set(claimed.verification.http.url, `${claimed.verification.http.body}\n`);
    const ok = await verify(a, claimed.id, 'http');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(proofs.fetched.at(-1), `http://www.a.test/.well-known/mpanel-verification/${claimed.verification.http.body}`);
  });

  it("another tenant can neither claim nor override a verified domain, even with its own proof", async () => {
    const taken = await claim(b, 'shop.a.test');
    assert.equal(taken.status, 409, JSON.stringify(taken.body));
    const patched = await server.request('PATCH', `/api/v1/tenants/${b.tenant.id}`, { token: b.token, body: { domains: ['SHOP.a.test'] } });
    assert.equal(patched.status, 409);

    // Two claims while nobody holds it: the first proof wins, the second is refused.
    const first = (await claim(a, 'race.test')).body.data;
    const second = (await claim(b, 'race.test')).body.data;
    assert.equal(second.status, 'pending');
    // Both publish a TXT value at the same name (a record set holds several).
    proofs.txt.set(first.verification.dns.name, [first.verification.dns.value, second.verification.dns.value]);
    const verified = await Promise.all([verify(a, first.id), verify(b, second.id)]);
    assert.deepEqual(verified.map((r) => r.status).sort(), [200, 409]);
    const owner = verified[0]!.status === 200 ? 'dom-a' : 'dom-b';
    assert.ok((await tenantOfHost('race.test')).includes(owner));
    const rows = await server.knex('tenant_domains').whereRaw('lower(domain) = ?', ['race.test']).where({ status: 'verified' });
    assert.equal(rows.length, 1);
    assert.ok((await tenantOfHost('shop.a.test')).includes('dom-a'), 'still the verified owner');
  });

  it("another tenant's domains are a 404, and releasing a domain unmaps it", async () => {
    const [row] = await server.knex('tenant_domains').where({ tenant_id: a.tenant.id, domain: 'www.a.test' });
    assert.equal((await server.request('GET', `/api/v1/tenants/${a.tenant.id}/domains`, { token: b.token })).status, 404);
    assert.equal((await server.request('DELETE', `/api/v1/tenants/${a.tenant.id}/domains/${row.id}`, { token: b.token })).status, 404);
    assert.equal((await server.request('DELETE', `/api/v1/tenants/${b.tenant.id}/domains/${row.id}`, { token: b.token })).status, 404, "a's domain id under b's path");
    assert.equal((await verify(b, row.id)).status, 404);
    assert.ok((await tenantOfHost('www.a.test')).includes('dom-a'));
    assert.equal((await server.request('DELETE', `/api/v1/tenants/${a.tenant.id}/domains/${row.id}`, { token: a.token })).status, 200);
    assert.ok(!(await tenantOfHost('www.a.test')).includes('dom-a'));
  });
});
