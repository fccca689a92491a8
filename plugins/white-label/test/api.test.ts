import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import type { TestServer } from '../../../core/src/testing/test-server.ts';
import { ICO_HEAD, JPEG_HEAD, PNG_1x1, getWithHost, startBrandServer, verifiedDomain } from './support.ts';

/**
 * The white-label plugin over HTTP: brand settings validated and stored per tenant, images checked
 * and served only on their tenant's (or its sub-tenants') domains, sub-tenants inheriting field by
 * field, and tenants kept apart. What `/api/v1/ui/branding` answers on a verified domain is the proof.
 */
describe('white-label API', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let sub: TenantWithAdmin;
  const req = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const brandOn = async (host: string) => {
    const res = await getWithHost(server.url, '/api/v1/ui/branding', host);
    assert.equal(res.status, 200);
    return res.json().data;
  };
  const A_BRAND = {
    name: 'Acme Cloud',
    colors: { primary: '#0a7f5a', surface: 'rgb(250, 250, 245)' },
    font: 'serif',
    loginText: 'Welcome to Acme Cloud',
    footerText: 'Acme Cloud Ltd, 1 Main St',
    legalLinks: [{ label: 'Terms', url: 'https://acme.example/terms' }],
    logoDarkUrl: 'https://cdn.acme.example/logo-dark.png',
    theme: 'top-nav',
    mailFromName: 'Acme Cloud Support',
    mailFromAddress: 'support@acme.example',
  };

  before(async () => {
    ({ server, close } = await startBrandServer({ PORT: '26410' }));
    a = await createTenantWithAdmin(server, { slug: 'brand-a', name: 'Tenant A', isReseller: true });
    b = await createTenantWithAdmin(server, { slug: 'brand-b', name: 'Tenant B' });
    sub = await createTenantWithAdmin(server, { slug: 'brand-sub', name: 'Sub of A', parentTenantId: a.tenant.id });
    await verifiedDomain(server, a.tenant.id, 'panel.acme.example');
    await verifiedDomain(server, b.tenant.id, 'panel.bee.example');
    await verifiedDomain(server, sub.tenant.id, 'panel.sub.example');
    await verifiedDomain(server, a.tenant.id, 'unproved.acme.example', 'pending');
  });
  after(async () => close?.());

  it("stores a tenant's brand and serves it on the tenant's verified domain only, without the mail sender", async () => {
    const saved = await req(a.token, 'PUT', '/api/v1/white-label/brands/current', A_BRAND);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.data.own.name, 'Acme Cloud');
    assert.equal(saved.body.data.mailGuidance.domain, 'acme.example');
    assert.match(saved.body.data.mailGuidance.spf, /v=spf1/);
    const brand = await brandOn('panel.acme.example');
    assert.equal(brand.name, 'Acme Cloud');
    assert.deepEqual(brand.colors, { primary: '#0a7f5a', surface: 'rgb(250, 250, 245)' });
    assert.equal(brand.fontFamily, 'Georgia, "Times New Roman", serif');
    assert.equal(brand.loginText, 'Welcome to Acme Cloud');
    assert.equal(brand.footer, 'Acme Cloud Ltd, 1 Main St');
    assert.deepEqual(brand.legalLinks, [{ label: 'Terms', url: 'https://acme.example/terms' }]);
    assert.equal(brand.logoDarkUrl, 'https://cdn.acme.example/logo-dark.png');
    assert.equal(brand.theme, 'top-nav');
    assert.equal(brand.mailFrom, undefined, 'the sender never reaches the browser');
    // The platform's domain and a pending claim are not A.
    for (const host of ['localhost', 'unproved.acme.example']) {
      const other = await brandOn(host);
      assert.equal(other.name, 'mPanel', host);
      assert.equal(other.colors.primary, undefined, host);
    }
  });

  it('refuses bad colours, script URLs, unknown fonts and header-breaking senders with 400 and stores nothing', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ colors: { primary: 'red; background: url(https://evil.example/x)' } }, 'colors.primary'],
      [{ colors: { primary: 'url(https://evil.example/x)' } }, 'colors.primary'],
      [{ colors: { primary: 'expression(alert(1))' } }, 'colors.primary'],
      [{ colors: { 'not-a-token': '#fff' } }, ''],
      [{ logoUrl: 'javascript:alert(1)' }, 'logoUrl'],
      [{ faviconUrl: 'http://plain.example/favicon.ico' }, 'faviconUrl'],
      [{ logoUrl: 'https://x.example/a" onerror="alert(1)' }, 'logoUrl'],
      [{ legalLinks: [{ label: 'Terms', url: 'javascript:alert(1)' }] }, 'legalLinks.0.url'],
      [{ legalLinks: [{ label: 'Terms', url: 'data:text/html,<script>' }] }, 'legalLinks.0.url'],
      [{ font: 'Comic Sans; } body { display:none' }, ''],
      [{ theme: '../../evil' }, ''],
      [{ name: 'x'.repeat(101) }, ''],
      [{ name: '   ' }, 'name'],
      [{ mailFromName: 'Acme\r\nBcc: victim@example.com' }, 'mailFromName'],
      [{ mailFromAddress: 'not an address' }, 'mailFromAddress'],
      [{ customCss: 'body{}' }, ''],
    ];
    for (const [body, field] of bad) {
      const res = await req(a.token, 'PUT', '/api/v1/white-label/brands/current', { ...A_BRAND, ...body });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.ok(res.body.error, JSON.stringify(res.body));
      if (field) assert.ok(res.body.details?.[field], `${field} named in ${JSON.stringify(res.body)}`);
    }
    const now = await req(a.token, 'GET', '/api/v1/white-label/brands/current');
    assert.equal(now.status, 200);
    assert.deepEqual(now.body.data.own.colors, A_BRAND.colors, 'nothing changed');
    assert.equal(now.body.data.own.logoUrl, null);
    assert.equal(now.body.data.own.mailFromName, 'Acme Cloud Support');
  });

  let logoId: string;
  it('takes a checked image upload and serves it with its type; oversized, mistyped, SVG or non-base64 uploads are 400 and store nothing', async () => {
    const bad: Array<Record<string, unknown>> = [
      { kind: 'logo', contentType: 'image/png', data: Buffer.concat([PNG_1x1, Buffer.alloc(260 * 1024)]).toString('base64') },
      { kind: 'logo', contentType: 'image/png', data: JPEG_HEAD.toString('base64') },
      { kind: 'logo', contentType: 'image/svg+xml', data: Buffer.from('<svg onload="alert(1)"/>').toString('base64') },
      { kind: 'logo', contentType: 'image/png', data: 'not base64 at all!' },
      { kind: 'banner', contentType: 'image/png', data: PNG_1x1.toString('base64') },
      { kind: 'favicon', contentType: 'image/x-icon', data: PNG_1x1.toString('base64') },
    ];
    for (const body of bad) {
      const res = await req(a.token, 'POST', '/api/v1/white-label/assets', body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 100)} → ${res.status}`);
    }
    const count = await server.knex('white_label_assets').count<{ count: string }[]>('* as count');
    assert.equal(Number(count[0]!.count), 0, 'nothing stored');

    const up = await req(a.token, 'POST', '/api/v1/white-label/assets', { kind: 'logo', contentType: 'image/png', data: PNG_1x1.toString('base64') });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    logoId = up.body.data.id;
    const fav = await req(a.token, 'POST', '/api/v1/white-label/assets', { kind: 'favicon', contentType: 'image/x-icon', data: ICO_HEAD.toString('base64') });
    assert.equal(fav.status, 201, JSON.stringify(fav.body));
    const brand = await brandOn('panel.acme.example');
    assert.equal(brand.logoUrl, up.body.data.url);
    assert.equal(brand.faviconUrl, fav.body.data.url);
    const served = await getWithHost(server.url, brand.logoUrl, 'panel.acme.example');
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    assert.equal(served.headers['x-content-type-options'], 'nosniff');
    assert.ok(served.body.equals(PNG_1x1));
    // A replacement of the same kind replaces it.
    const again = await req(a.token, 'POST', '/api/v1/white-label/assets', { kind: 'logo', contentType: 'image/png', data: PNG_1x1.toString('base64') });
    assert.equal(again.status, 201);
    assert.equal((await getWithHost(server.url, `/api/v1/white-label/assets/${logoId}`, 'panel.acme.example')).status, 404);
    logoId = again.body.data.id;
  });

  it("a sub-tenant inherits its parent's brand field by field until it sets its own", async () => {
    const inherited = await brandOn('panel.sub.example');
    assert.equal(inherited.name, 'Acme Cloud');
    assert.deepEqual(inherited.colors, A_BRAND.colors);
    assert.equal(inherited.footer, A_BRAND.footerText);
    assert.match(inherited.logoUrl, new RegExp(logoId));
    // The parent's logo is served on the sub-tenant's domain too.
    assert.equal((await getWithHost(server.url, inherited.logoUrl, 'panel.sub.example')).status, 200);

    const own = await req(sub.token, 'PUT', '/api/v1/white-label/brands/current', { name: 'Sub Hosting', colors: { primary: '#123456' }, footerText: 'Sub Hosting GmbH' });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    const overridden = await brandOn('panel.sub.example');
    assert.equal(overridden.name, 'Sub Hosting');
    assert.deepEqual(overridden.colors, { primary: '#123456', surface: 'rgb(250, 250, 245)' }, 'own token over the inherited rest');
    assert.equal(overridden.footer, 'Sub Hosting GmbH');
    assert.equal(overridden.fontFamily, 'Georgia, "Times New Roman", serif', 'unset fields still inherited');
    assert.equal((await brandOn('panel.acme.example')).name, 'Acme Cloud', 'the parent is unchanged');
    // The sender is never inherited: the sub-tenant's mails do not claim the parent's address.
    const view = await req(sub.token, 'GET', '/api/v1/white-label/brands/current');
    assert.equal(view.body.data.own.mailFromAddress, null);
    assert.equal(view.body.data.effective.name, 'Sub Hosting');

    const cleared = await req(sub.token, 'PUT', '/api/v1/white-label/brands/current', {});
    assert.equal(cleared.status, 200);
    assert.equal((await brandOn('panel.sub.example')).name, 'Acme Cloud', 'inherits again');
  });

  it("keeps tenants apart: B neither reads nor changes A's brand or images, A's images are not served on B's domain, staff without the permission may not edit", async () => {
    const bView = await req(b.token, 'GET', '/api/v1/white-label/brands/current');
    assert.equal(bView.status, 200);
    assert.equal(bView.body.data.own.name, null);
    assert.deepEqual(bView.body.data.assets, []);
    assert.notEqual(bView.body.data.effective.name, 'Acme Cloud');
    const del = await req(b.token, 'DELETE', `/api/v1/white-label/assets/${logoId}`);
    assert.equal(del.status, 404);
    assert.equal((await getWithHost(server.url, `/api/v1/white-label/assets/${logoId}`, 'panel.bee.example')).status, 404);
    assert.equal((await getWithHost(server.url, `/api/v1/white-label/assets/${logoId}`, 'localhost')).status, 404);
    assert.equal((await getWithHost(server.url, `/api/v1/white-label/assets/${logoId}`, 'panel.acme.example')).status, 200, 'still there');
    const bPut = await req(b.token, 'PUT', '/api/v1/white-label/brands/current', { name: 'Bee' });
    assert.equal(bPut.status, 200);
    assert.equal((await brandOn('panel.acme.example')).name, 'Acme Cloud');
    assert.equal((await brandOn('panel.bee.example')).name, 'Bee');
    // A sub-tenant cannot reach its parent's images to delete them either.
    assert.equal((await req(sub.token, 'DELETE', `/api/v1/white-label/assets/${logoId}`)).status, 404);

    const client = await createUser(server, a.token, ['support'], { tenant: 'brand-a' });
    assert.equal((await req(client.token, 'GET', '/api/v1/white-label/brands/current')).status, 403);
    assert.equal((await req(client.token, 'PUT', '/api/v1/white-label/brands/current', { name: 'Pwned' })).status, 403);
    assert.equal((await req(client.token, 'POST', '/api/v1/white-label/assets', { kind: 'logo', contentType: 'image/png', data: PNG_1x1.toString('base64') })).status, 403);
    assert.equal((await brandOn('panel.acme.example')).name, 'Acme Cloud');

    const own = await req(a.token, 'DELETE', `/api/v1/white-label/assets/${logoId}`);
    assert.equal(own.status, 204);
    assert.equal((await brandOn('panel.acme.example')).logoUrl, null);
  });

  it('concurrent saves leave exactly one brand row', async () => {
    const results = await Promise.all(['One', 'Two', 'Three', 'Four'].map((name) => req(b.token, 'PUT', '/api/v1/white-label/brands/current', { name })));
    for (const r of results) assert.ok([200, 409].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
    const rows = await server.knex('white_label_brands').where({ tenant_id: b.tenant.id });
    assert.equal(rows.length, 1);
  });
});
