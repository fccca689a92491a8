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
import { captureMail, startBrandServer } from './support.ts';

/**
 * Branded mail: a tenant's templated mails (the notifications plugin's) come from the white-label
 * sender, are rendered with its name and colour, and carry the platform's name nowhere, neither in
 * the headers nor in the body; a tenant without a brand keeps the platform's defaults.
 */
describe('white-label mail', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let smtp: SmtpCapture;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let sub: TenantWithAdmin;

  const mailTo = (to: string) => waitFor<ReceivedMail>(async () => smtp.received.find((m) => m.to.includes(to)), 20_000);
  async function sendTest(t: TenantWithAdmin, to: string): Promise<ReceivedMail> {
    const res = await server.request('POST', '/api/v1/mail-templates/notifications.notice/test', { token: t.token, body: { to } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return mailTo(to);
  }

  before(async () => {
    ({ server, close } = await startBrandServer({ PORT: '26430', MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }, ['notifications']));
    a = await createTenantWithAdmin(server, { slug: 'mail-a', name: 'Mail A', isReseller: true });
    b = await createTenantWithAdmin(server, { slug: 'mail-b', name: 'Mail B' });
    sub = await createTenantWithAdmin(server, { slug: 'mail-sub', name: 'Mail Sub', parentTenantId: a.tenant.id });
    smtp = await captureMail(server, [a, b, sub]);
    const saved = await server.request('PUT', '/api/v1/white-label/brands/current', {
      token: a.token,
      body: { name: 'Acme Cloud', colors: { primary: '#0a7f5a' }, footerText: 'Acme Cloud Ltd, 1 Main St', mailFromName: 'Acme Cloud Support', mailFromAddress: 'support@acme.example' },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  });
  after(async () => {
    await close?.();
    await smtp?.close();
  });

  it("sends a branded tenant's mail from its sender, rendered with its brand, with no platform name in headers or body", async () => {
    const got = await sendTest(a, 'customer@a.example');
    assert.equal(decodedHeader(got.raw, 'From').replace(/"/g, ''), 'Acme Cloud Support <support@acme.example>');
    assert.match(decodedHeader(got.raw, 'Message-ID'), /@acme\.example>$/);
    assert.doesNotMatch(got.raw, /mpanel/i, 'no platform name anywhere in the message');
    const { html, text } = mimeParts(got.raw);
    assert.match(html, /Acme Cloud/);
    assert.match(html, /background:#0a7f5a/);
    assert.match(text, /Acme Cloud Ltd, 1 Main St/);
  });

  it("a sub-tenant's mail wears the inherited brand name but never the parent's sender address", async () => {
    const got = await sendTest(sub, 'customer@sub.example');
    const from = decodedHeader(got.raw, 'From');
    assert.match(from, /^"?Acme Cloud"? </, from);
    assert.doesNotMatch(from, /support@acme\.example/);
    assert.match(mimeParts(got.raw).html, /background:#0a7f5a/);
  });

  it('an unbranded tenant keeps the defaults', async () => {
    const got = await sendTest(b, 'customer@b.example');
    assert.doesNotMatch(decodedHeader(got.raw, 'From'), /Acme/);
    assert.match(decodedHeader(got.raw, 'Message-ID'), /@mpanel>$/);
    assert.doesNotMatch(got.raw, /Acme/);
  });
});
