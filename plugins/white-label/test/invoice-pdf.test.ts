import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import type { TestServer } from '../../../core/src/testing/test-server.ts';
import { pdfInfo, pdfText } from '../../billing/test/support/pdf-text.ts';
import { PNG_1x1, asAdmin, orderedInvoice, startBrandServer } from './support.ts';

/**
 * The billing plugin's invoice PDF wears the tenant's brand (through `ctx.branding` /
 * `ctx.brandLogo`, the white-label provider): the reseller's name, uploaded logo, colour, footer and
 * legal links, inherited by its sub-tenant; the platform's name appears neither in the text nor in
 * the metadata (pdfkit's Producer / Creator included). An unbranded tenant shows its own name.
 */
describe('white-label invoice PDF', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let a: TenantWithAdmin;
  let sub: TenantWithAdmin;
  let b: TenantWithAdmin;

  const req = (t: TenantWithAdmin, method: string, path: string, body?: unknown) => asAdmin(server, t, method, path, body);

  /** A product, a client and an order in the tenant: its invoice's PDF bytes as the tenant's staff download them. */
  async function invoicePdf(t: TenantWithAdmin, email: string): Promise<Buffer> {
    const invoiceId = await orderedInvoice(server, t, email);
    const res = await fetch(`${server.url}/api/v1/invoices/${invoiceId}/pdf`, { headers: { authorization: `Bearer ${t.token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    return Buffer.from(await res.arrayBuffer());
  }

  before(async () => {
    ({ server, close } = await startBrandServer({ PORT: '21510' }, ['billing']));
    a = await createTenantWithAdmin(server, { slug: 'pdf-acme', name: 'Acme Holdings', isReseller: true });
    sub = await createTenantWithAdmin(server, { slug: 'pdf-sub', name: 'Sub Shop', parentTenantId: a.tenant.id });
    b = await createTenantWithAdmin(server, { slug: 'pdf-bee', name: 'Bee Hosting' });
    const brand = await req(a, 'PUT', '/api/v1/white-label/brands/current', {
      name: 'Acme Cloud', colors: { primary: '#0a7f5a' }, footerText: 'Acme Cloud Ltd, 1 Main St',
      legalLinks: [{ label: 'Terms of service', url: 'https://acme.example/terms' }],
    });
    assert.equal(brand.status, 200, JSON.stringify(brand.body));
    const logo = await req(a, 'POST', '/api/v1/white-label/assets', { kind: 'logo', contentType: 'image/png', data: PNG_1x1.toString('base64') });
    assert.equal(logo.status, 201, JSON.stringify(logo.body));
  });
  after(async () => {
    await close?.();
  });

  /** The reseller's brand all over the document, the platform's name nowhere. */
  function assertAcme(pdf: Buffer): void {
    const text = pdfText(pdf);
    assert.match(text, /Acme Cloud/);
    assert.match(text, /Acme Cloud Ltd, 1 Main St/);
    assert.match(text, /Terms of service: https:\/\/acme\.example\/terms/);
    assert.doesNotMatch(text, /mpanel/i, 'no platform name in the text or the objects');
    assert.doesNotMatch(text, /PDFKit/, "no software name in the metadata");
    for (const key of ['Producer', 'Creator', 'Author']) assert.equal(pdfInfo(pdf, key), 'Acme Cloud', key);
    assert.match(pdfInfo(pdf, 'Title') ?? '', /^Invoice INV-.* · Acme Cloud$/);
    // The brand colour (0a7f5a → 0.039 0.498 0.353 in the page's fill operators) and the logo image.
    assert.match(text, /0\.0392\d* 0\.498\d* 0\.3529\d* scn/);
    assert.match(text, /\/Subtype \/Image/);
  }

  it("shows the reseller's name, logo, colour, footer and legal links, and no platform name anywhere", async () => {
    assertAcme(await invoicePdf(a, 'cleo@acme.example'));
  });

  it("a reseller's sub-tenant inherits the brand on its invoices", async () => {
    assertAcme(await invoicePdf(sub, 'cleo@sub.example'));
  });

  it('an unbranded tenant shows its own name, none of the reseller brand, no image and no platform name', async () => {
    const pdf = await invoicePdf(b, 'cleo@bee.example');
    const text = pdfText(pdf);
    assert.match(text, /Bee Hosting/);
    assert.doesNotMatch(text, /Acme|mpanel/i);
    assert.doesNotMatch(text, /\/Subtype \/Image/);
    assert.equal(pdfInfo(pdf, 'Producer'), 'Bee Hosting');
  });
});
