import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import type { TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import type { SmtpCapture, ReceivedMail } from '../../../core/test/mail/smtp-capture.ts';
// eslint-disable-next-line no-restricted-imports
import { waitFor } from '../../../core/test/plugins/wait.ts';
import { decodedHeader, mimeParts } from '../../notifications/test/support/mime.ts';
import { PNG_1x1, asAdmin, captureMail, getWithHost, orderedInvoice, startBrandServer, verifiedDomain } from './support.ts';

const PLATFORM = 'https://platform.test';
const DOMAIN = 'panel.acme.example';

/**
 * A reseller's real mails (billing's welcome and invoice mails through the notifications plugin,
 * delivered over SMTP) point only at the reseller's verified domain: the portal and invoice links,
 * and the uploaded logo as an absolute URL that the domain serves. No header or body names the
 * platform or its host. A tenant without a verified domain keeps the platform's links.
 */
describe('white-label mail links on the verified domain', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let smtp: SmtpCapture;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let logoPath = '';

  const mailWith = (to: string, subject: RegExp) => waitFor<ReceivedMail>(async () => smtp.received.find((m) => m.to.includes(to) && subject.test(m.raw)), 30_000);
  const req = (t: TenantWithAdmin, method: string, path: string, body?: unknown) => asAdmin(server, t, method, path, body);
  /** A client (welcome mail) with an order (invoice mail): the invoice id. */
  const clientWithInvoice = (t: TenantWithAdmin, email: string) => orderedInvoice(server, t, email);

  before(async () => {
    ({ server, close } = await startBrandServer({ PORT: '21520', PUBLIC_URL: PLATFORM, MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }, ['notifications', 'billing']));
    a = await createTenantWithAdmin(server, { slug: 'links-acme', name: 'Acme Holdings', isReseller: true });
    b = await createTenantWithAdmin(server, { slug: 'links-bee', name: 'Bee Hosting' });
    smtp = await captureMail(server, [a, b]);
    // A pending claim sorts first but proves nothing: it must never be the link.
    await verifiedDomain(server, a.tenant.id, 'aaa-pending.acme.example', 'pending');
    await verifiedDomain(server, a.tenant.id, DOMAIN);
    const brand = await req(a, 'PUT', '/api/v1/white-label/brands/current', {
      name: 'Acme Cloud', colors: { primary: '#0a7f5a' }, footerText: 'Acme Cloud Ltd', mailFromName: 'Acme Cloud Billing', mailFromAddress: 'billing@acme.example',
    });
    assert.equal(brand.status, 200, JSON.stringify(brand.body));
    const logo = await req(a, 'POST', '/api/v1/white-label/assets', { kind: 'logo', contentType: 'image/png', data: PNG_1x1.toString('base64') });
    assert.equal(logo.status, 201, JSON.stringify(logo.body));
    logoPath = logo.body.data.url;
    assert.match(logoPath, /^\/api\/v1\/white-label\/assets\//);
  });
  after(async () => {
    await close?.();
    await smtp?.close();
  });

  it("links and logo of a reseller's mails are on its verified domain, and nothing names the platform or its host", async () => {
    const invoiceId = await clientWithInvoice(a, 'cleo@acme-client.example');
    const welcome = await mailWith('cleo@acme-client.example', /Subject: Welcome/);
    const invoice = await mailWith('cleo@acme-client.example', /Subject: Invoice INV-/);
    const logoUrl = `https://${DOMAIN}${logoPath}`;
    for (const got of [welcome, invoice]) {
      const { html, text } = mimeParts(got.raw);
      assert.ok(html.replaceAll('&#x3D;', '=').includes(`<img src="${logoUrl}"`), `absolute logo on the tenant's domain in ${html}`);
      assert.doesNotMatch(got.raw, /mpanel/i, 'no platform name in any header or part');
      assert.doesNotMatch(got.raw + html + text, /platform\.test|aaa-pending/, "neither the platform's host nor an unverified claim");
    }
    assert.equal(decodedHeader(welcome.raw, 'Subject'), 'Welcome to Acme Cloud', 'signed with the brand when billing has no company name');
    assert.equal(decodedHeader(invoice.raw, 'From').replace(/"/g, ''), 'Acme Cloud Billing <billing@acme.example>');
    assert.match(mimeParts(welcome.raw).text, new RegExp(`https://${DOMAIN.replaceAll('.', '\\.')}/client\\b`));
    assert.ok(mimeParts(invoice.raw).text.includes(`https://${DOMAIN}/client/invoices/${invoiceId}`), mimeParts(invoice.raw).text);
    // The logo URL in the mail loads: the domain serves the tenant's image.
    const served = await getWithHost(server.url, logoPath, DOMAIN);
    assert.equal(served.status, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    assert.deepEqual(served.body, PNG_1x1);
  });

  it("a tenant without a verified domain keeps the platform's links and shows no image it cannot serve", async () => {
    const invoiceId = await clientWithInvoice(b, 'bea@bee-client.example');
    const invoice = await mailWith('bea@bee-client.example', /Subject: Invoice INV-/);
    const { html, text } = mimeParts(invoice.raw);
    assert.ok(text.includes(`${PLATFORM}/client/invoices/${invoiceId}`), text);
    assert.doesNotMatch(html, /<img /);
    assert.doesNotMatch(invoice.raw + html, /acme/i);
  });
});
