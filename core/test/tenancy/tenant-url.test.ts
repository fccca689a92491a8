import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin } from '../../src/testing/auth.ts';
import { tenantUrl } from '../../src/tenancy/tenant-url.ts';

/**
 * `ctx.tenantUrl`: a tenant's links go to its first verified domain, with the platform URL's scheme
 * and port; a pending claim never counts; without a verified domain the platform URL stays.
 */
describe('tenantUrl', function () {
  this.timeout(120_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  it('picks the first verified domain, never a pending claim, and keeps the platform scheme and port', async () => {
    const t = await createTenantWithAdmin(server, { slug: 'url-a' });
    const other = await createTenantWithAdmin(server, { slug: 'url-b' });
    const add = (tenantId: string, domain: string, status: string, verifiedAt: Date | null) =>
      server.knex('tenant_domains').insert({ tenant_id: tenantId, domain, status, verification_token: `tok-${domain}`, verified_at: verifiedAt });
    assert.equal(await tenantUrl(server.knex, t.tenant.id, 'https://platform.test/'), 'https://platform.test');
    assert.equal(await tenantUrl(server.knex, t.tenant.id, undefined), null);
    await add(t.tenant.id, 'aaa.url-a.test', 'pending', null);
    await add(other.tenant.id, 'first.url-b.test', 'verified', new Date('2026-01-01'));
    assert.equal(await tenantUrl(server.knex, t.tenant.id, 'https://platform.test'), 'https://platform.test', "a pending claim or another tenant's domain is no link");
    await add(t.tenant.id, 'Panel.URL-A.test', 'verified', new Date('2026-02-01'));
    await add(t.tenant.id, 'later.url-a.test', 'verified', new Date('2026-03-01'));
    assert.equal(await tenantUrl(server.knex, t.tenant.id, 'https://platform.test'), 'https://panel.url-a.test');
    assert.equal(await tenantUrl(server.knex, t.tenant.id, 'http://platform.test:8080/base'), 'http://panel.url-a.test:8080');
    assert.equal(await tenantUrl(server.knex, t.tenant.id, undefined), 'https://panel.url-a.test');
  });
});
