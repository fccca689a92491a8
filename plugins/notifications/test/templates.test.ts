import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import type { TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin } from '../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import type { SmtpCapture } from '../../../core/test/mail/smtp-capture.ts';
import { api, mailTo, startMailServer, waitFor } from './support/server.ts';
import { decodedHeader, mimeParts } from './support/mime.ts';

/**
 * Billing's mails through the notifications plugin's templates, received over SMTP: the tenant's
 * edit is used, values are escaped in the HTML part, the client's language picks the version, a
 * reset brings the default back, and each mail is in the client's mail log (resend included).
 */
describe('notifications: mail templates (billing mails over SMTP)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let req: ReturnType<typeof api>;
  let productId: string;
  let admin: string;
  let n = 0;

  before(async () => {
    ({ server, smtp, admin, close } = await startMailServer());
    req = api(server, admin);
    await req('PUT', '/api/v1/plugins/billing/settings', { companyName: 'Acme Hosting', mailFrom: 'billing@acme.test' });
    productId = (await req('POST', '/api/v1/products', { name: 'Web Hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] })).id;
  });
  after(async () => close?.());

  /** A new client who orders: billing mails it the invoice. */
  async function clientWithInvoice(fields: Record<string, unknown> = {}) {
    const email = `c${++n}@client.test`;
    const client = await req('POST', '/api/v1/clients', { email, firstName: 'Ada', lastName: 'Lovelace', country: 'US', currency: 'USD', ...fields });
    const placed = await req('POST', '/api/v1/orders', { clientId: client.id, items: [{ productId, cycle: 'monthly' }] });
    return { client, email, invoice: placed.invoice as { id: string; number: string } };
  }

  it('the default templates (welcome, invoice): same subjects as before, an HTML part in the branded layout and a text part', async () => {
    const { email, invoice } = await clientWithInvoice();
    const mail = await mailTo(smtp, email, `Invoice ${invoice.number} from Acme Hosting`);
    const { text, html } = mimeParts(mail.raw);
    assert.match(text, /Hello Ada Lovelace,/);
    assert.match(html, /<p>Hello Ada Lovelace,<\/p>/);
    assert.match(html, /<meta name="viewport"/, 'the responsive layout');
    assert.match(html, /max-width:100%/);
    const welcome = await mailTo(smtp, email, 'Welcome to Acme Hosting');
    assert.match(mimeParts(welcome.raw).text, /^Hello Ada Lovelace,\n\nyour account with Acme Hosting is ready/);
  });

  it('a tenant\'s edited template is used (both parts from the one template)', async () => {
    await req('PUT', '/api/v1/mail-templates/billing.invoice.created', { language: 'en',
      subject: 'Your bill {{number}} is ready', html: '<h1>Dear {{name}}</h1><p>Please pay {{total}}.</p>', text: 'Dear {{name}}, please pay {{total}}.',
    });
    const { email, invoice } = await clientWithInvoice();
    const mail = await mailTo(smtp, email, `Your bill ${invoice.number} is ready`);
    const { text, html } = mimeParts(mail.raw);
    assert.match(text, /^Dear Ada Lovelace, please pay \$10\.00\./);
    assert.match(html, /<h1>Dear Ada Lovelace<\/h1><p>Please pay \$10\.00\.<\/p>/);
    const listed = (await req('GET', '/api/v1/mail-templates')) as Array<{ key: string; editedLanguages: string[] }>;
    assert.deepEqual(listed.find((t) => t.key === 'billing.invoice.created')?.editedLanguages, ['en']);
  });

  it('HTML in a client\'s name is escaped in the HTML part and stays plain text in the text part and subject', async () => {
    await req('PUT', '/api/v1/mail-templates/billing.invoice.created', { language: 'en',
      subject: 'Bill {{number}} for {{name}}', html: '<p>Dear {{name}}</p>', text: 'Dear {{name}}',
    });
    const { email, invoice } = await clientWithInvoice({ firstName: '<img src=x onerror=alert(1)>', lastName: '<b>Bold</b> & "Co"' });
    const name = '<img src=x onerror=alert(1)> <b>Bold</b> & "Co"';
    const mail = await mailTo(smtp, email, `Bill ${invoice.number} for ${name}`);
    const { text, html } = mimeParts(mail.raw);
    assert.ok(!html.includes('<img src=x'), 'no raw <img> in the HTML part');
    assert.ok(!html.includes('<b>Bold'), 'no raw <b> in the HTML part');
    assert.match(html, /<p>Dear &lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt; &lt;b&gt;Bold&lt;\/b&gt; &amp; &quot;Co&quot;<\/p>/);
    // text/plain runs no markup: the name reads as the client typed it, not as entities.
    assert.equal(text.trim(), `Dear ${name}`);
  });

  it('a template that would print raw HTML ({{{…}}}) or does not compile is refused, and nothing is saved', async () => {
    const raw = await server.request('PUT', '/api/v1/mail-templates/billing.invoice.created', { token: admin, body: { language: 'de', subject: 'x', html: '<p>{{{name}}}</p>', text: 'x' } });
    assert.equal(raw.status, 400);
    assert.equal(raw.body.error, 'Validation failed');
    assert.match(raw.body.details.html, /raw output/);
    const broken = await server.request('PUT', '/api/v1/mail-templates/billing.invoice.created', { token: admin, body: { language: 'de', subject: '{{#if x}}', html: '<p></p>', text: 'x' } });
    assert.equal(broken.status, 400);
    assert.ok(broken.body.details.subject);
    const one = await req('GET', '/api/v1/mail-templates/billing.invoice.created');
    assert.equal(one.languages.de.edited, false);
  });

  it('the German template is used for a German client, and the tenant\'s German edit beats it', async () => {
    const { email, invoice } = await clientWithInvoice({ language: 'de' });
    const mail = await mailTo(smtp, email, `Rechnung ${invoice.number} von Acme Hosting`);
    assert.match(mimeParts(mail.raw).text, /Hallo Ada Lovelace,\n\ndie Rechnung/);
    await req('PUT', '/api/v1/mail-templates/billing.invoice.created', { language: 'de', subject: 'Ihre Rechnung {{number}} – bitte zahlen', html: '<p>Grüß Gott {{name}}</p>', text: 'Grüß Gott {{name}}' });
    const second = await clientWithInvoice({ language: 'de' });
    const edited = await mailTo(smtp, second.email, `Ihre Rechnung ${second.invoice.number} – bitte zahlen`);
    assert.equal(mimeParts(edited.raw).text.trim(), 'Grüß Gott Ada Lovelace');
    // A language without a version of its own (fr) gets the English one: the tenant's English edit.
    const french = await clientWithInvoice({ language: 'fr' });
    await mailTo(smtp, french.email, `Bill ${french.invoice.number} for Ada Lovelace`);
  });

  it('reset to default restores the default template', async () => {
    const reset = await req('DELETE', '/api/v1/mail-templates/billing.invoice.created?language=en');
    assert.equal(reset.edited, false);
    assert.equal(reset.subject, 'Invoice {{number}} from {{company}}');
    const { email, invoice } = await clientWithInvoice();
    await mailTo(smtp, email, `Invoice ${invoice.number} from Acme Hosting`);
  });

  it('preview renders a draft with the sample data inside the layout; test send mails it to the caller', async () => {
    const preview = await req('POST', '/api/v1/mail-templates/billing.invoice.reminder/preview', { language: 'en', subject: 'Draft for {{name}}', html: '<p>{{amountDue}} by {{dueDate}}</p>' });
    assert.equal(preview.subject, 'Draft for Ada Lovelace');
    assert.match(preview.html, /<p>\$10\.00 by 2026-12-31<\/p>/);
    assert.match(preview.text, /This is a reminder that invoice INV-2026-00042/);
    const sent = await req('POST', '/api/v1/mail-templates/billing.invoice.reminder/test', { language: 'de', to: 'tester@acme.test' });
    assert.ok(sent.mailLogId);
    await mailTo(smtp, 'tester@acme.test', 'Erinnerung: Rechnung INV-2026-00042 ist am 2026-12-31 fällig');
  });

  it('the mail log lists a client\'s mails with their delivery status, and resend mails it again', async () => {
    const { client, email, invoice } = await clientWithInvoice();
    const subject = `Invoice ${invoice.number} from Acme Hosting`;
    await mailTo(smtp, email, subject);
    // The client's log: its welcome mail and the invoice, each sent.
    const logged = await waitFor(async () => {
      const rows = (await req('GET', `/api/v1/mail-log?clientId=${client.id}`)) as Array<{ id: string; subject: string; status: string }>;
      return rows.length === 2 && rows.every((r) => r.status === 'sent') ? rows.find((r) => r.subject === subject) : undefined;
    }, 60_000);
    assert.ok(logged, 'the invoice mail is in the log');
    const resent = await req('POST', `/api/v1/mail-log/${logged!.id}/resend`);
    assert.equal(resent.resentFrom, logged!.id);
    await waitFor(async () => smtp.received.filter((m) => m.to.includes(email) && decodedHeader(m.raw, 'Subject') === subject).length === 2, 60_000);
    const rows = (await req('GET', `/api/v1/mail-log?clientId=${client.id}`)) as Array<{ id: string; resentFrom: string | null }>;
    assert.equal(rows.length, 3);
    assert.equal(rows.find((r) => r.id === resent.id)?.resentFrom, logged!.id);
  });

  it('another tenant sees none of it: its own defaults, no log rows, a 404 on resend', async () => {
    const b = await createTenantWithAdmin(server);
    const reqB = api(server, b.token);
    const tmpl = await reqB('GET', '/api/v1/mail-templates/billing.invoice.created');
    assert.equal(tmpl.languages.de.edited, false, 'tenant A\'s German edit is not B\'s');
    assert.deepEqual(await reqB('GET', '/api/v1/mail-log'), []);
    const aRow = (await server.knex('notification_mail_log').first('id')) as { id: string };
    assert.equal((await server.request('POST', `/api/v1/mail-log/${aRow.id}/resend`, { token: b.token })).status, 404);
    assert.equal((await server.request('DELETE', '/api/v1/mail-templates/billing.invoice.created?language=de', { token: b.token })).status, 200);
    const still = await req('GET', '/api/v1/mail-templates/billing.invoice.created');
    assert.equal(still.languages.de.edited, true, 'B\'s reset does not touch A\'s edit');
  });
});
