import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import type { TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import type { SmtpCapture } from '../../../core/test/mail/smtp-capture.ts';
// Every plugin of the repository (support and notifications among them) mailing to an in-process SMTP server.
import { api, header, mailTo, startMailServer, waitFor } from '../../notifications/test/support/server.ts';
import { decodedHeader, mimeParts } from '../../notifications/test/support/mime.ts';

/**
 * Ticket mails through the notifications plugin's templates, received over SMTP: the tenant's
 * edit is used, a German client gets German, a client's name with HTML is escaped in the HTML
 * part and plain in the text part, threading headers survive, auto-close and SLA escalation mail
 * from their templates, and every ticket mail is in the client's mail log (resend included).
 */
describe('support: ticket mails through notifications templates', function () {
  this.timeout(180_000);
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let req: ReturnType<typeof api>;
  let departmentId: string;
  let n = 0;

  before(async () => {
    let admin: string;
    ({ server, smtp, admin, close } = await startMailServer());
    req = api(server, admin);
    departmentId = (await req('POST', '/api/v1/ticket-departments', { name: 'Technical support', email: `desk-${process.pid}@acme.test` })).id;
  });
  after(async () => close?.());

  async function client(fields: Record<string, unknown> = {}) {
    const email = `t${++n}-${process.pid}@client.test`;
    const c = await req('POST', '/api/v1/clients', { email, firstName: 'Ada', lastName: 'Lovelace', country: 'US', currency: 'USD', ...fields });
    return { id: c.id as string, email };
  }
  const open = (clientId: string, contactName: string, subject: string) =>
    req('POST', '/api/v1/tickets', { departmentId, clientId, contactName, subject, body: 'It is down.' }) as Promise<{ id: string; number: number }>;

  it('receipt and staff reply render from the templates, threaded; an edited reply template is used', async () => {
    const c = await client();
    await req('PUT', '/api/v1/mail-templates/support.ticket.reply', { language: 'en',
      subject: 'Answer on #{{number}}: {{subject}}', html: '<h1>Dear {{name}}</h1><div>{{message}}</div><p>{{staff}}</p>', text: 'Dear {{name}}, {{message}} / {{staff}}' });
    try {
      const ticket = await open(c.id, 'Ada Lovelace', 'Server down');
      const receipt = await mailTo(smtp, c.email, `[#${ticket.number}] Server down`);
      assert.equal(header(receipt.raw, 'Auto-Submitted'), 'auto-replied');
      assert.match(mimeParts(receipt.raw).text, /opened ticket #\d+ in Technical support/);
      assert.match(mimeParts(receipt.raw).html, /<meta name="viewport"/, 'the branded layout');
      const receiptId = header(receipt.raw, 'Message-ID')!;
      assert.match(receiptId, new RegExp(`^<ticket\\.${ticket.id}\\.`));

      await req('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'We restarted it.' });
      const reply = await mailTo(smtp, c.email, `Answer on #${ticket.number}: Server down`);
      const { text, html } = mimeParts(reply.raw);
      assert.match(text, /^Dear Ada Lovelace, We restarted it\. \/ /);
      assert.match(html, /<h1>Dear Ada Lovelace<\/h1><div>We restarted it\.<\/div>/);
      const messageId = header(reply.raw, 'Message-ID')!;
      assert.match(messageId, new RegExp(`^<ticket\\.${ticket.id}\\.[0-9a-f-]+@acme\\.test>$`));
      const stored = await server.knex('ticket_messages').where({ ticket_id: ticket.id, body: 'We restarted it.' }).first('mail_message_id');
      assert.equal(stored.mail_message_id, messageId, 'a client reply to it finds the ticket');
      assert.match(header(reply.raw, 'Reply-To') ?? '', new RegExp(`desk-${process.pid}\\+${ticket.number}-[a-z0-9]{12}@acme\\.test`));
      assert.match(header(reply.raw, 'From') ?? '', new RegExp(`desk-${process.pid}@acme\\.test`));
    } finally {
      await req('DELETE', '/api/v1/mail-templates/support.ticket.reply?language=en').catch(() => undefined);
    }
  });

  it('a German client gets the German receipt and reply; a threaded reply carries In-Reply-To and References', async () => {
    const c = await client({ language: 'de' });
    const ticket = await open(c.id, 'Ada Lovelace', 'Kaputt');
    const receipt = await mailTo(smtp, c.email, `[#${ticket.number}] Kaputt`);
    assert.match(mimeParts(receipt.raw).text, /Hallo Ada Lovelace,\n\nwir haben Ihre Anfrage erhalten/);
    await req('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'Erledigt.' });
    const reply = await mailTo(smtp, c.email, `Re: [#${ticket.number}] Kaputt`);
    assert.match(mimeParts(reply.raw).text, /Hallo Ada Lovelace,\n\nErledigt\.\n\n-- \n.*\nTechnical support · Ticket #/);
    // The second answer threads under the first one.
    await req('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'Noch etwas.' });
    const second = await waitFor(async () => smtp.received.find((m) => m.to.includes(c.email) && /Noch etwas/.test(mimeParts(m.raw).text)));
    const firstId = header(reply.raw, 'Message-ID')!;
    assert.equal(header(second.raw, 'In-Reply-To'), firstId);
    assert.match(header(second.raw, 'References') ?? '', new RegExp(firstId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  it('HTML in a client\'s name is escaped in the HTML part and plain text in the text part', async () => {
    const name = '<img src=x onerror=alert(1)> <b>Bold</b> & "Co"';
    const c = await client({ firstName: '<img src=x onerror=alert(1)>', lastName: '<b>Bold</b> & "Co"' });
    const ticket = await open(c.id, name, 'Escapes');
    await req('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'Hi <script>alert(2)</script>' });
    const reply = await mailTo(smtp, c.email, `Re: [#${ticket.number}] Escapes`);
    const { text, html } = mimeParts(reply.raw);
    assert.ok(text.includes(`Hello ${name},`), 'the text part shows the name as typed');
    assert.ok(text.includes('Hi <script>alert(2)</script>'));
    assert.ok(!html.includes('<img src=x'), 'no raw <img> in the HTML part');
    assert.ok(!html.includes('<b>Bold'), 'no raw <b> in the HTML part');
    assert.ok(!html.includes('<script>alert(2)'), 'no raw <script> from the message');
    assert.match(html, /Hello &lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt; &lt;b&gt;Bold&lt;\/b&gt; &amp; &quot;Co&quot;,/);
    assert.match(html, /Hi &lt;script&gt;alert\(2\)&lt;\/script&gt;/);
  });

  it('auto-close mails the client from its template (threaded); an SLA breach notifies staff through the escalation template', async () => {
    // Default SLA targets: a medium ticket's first answer is due within 8 hours.
    await req('PUT', '/api/v1/plugins/support/settings', { autoCloseHours: 24 });
    const c = await client();
    const answered = await open(c.id, 'Ada Lovelace', 'Quiet one');
    await req('POST', `/api/v1/tickets/${answered.id}/messages`, { body: 'Does it work now?' });
    const reply = await mailTo(smtp, c.email, `Re: [#${answered.number}] Quiet one`);
    const waiting = await open(c.id, 'Ada Lovelace', 'Nobody answers');
    const later = new Date(Date.now() + 48 * 3_600_000).toISOString();
    const result = await req('POST', '/api/v1/support/maintenance', { now: later });
    assert.ok(result.autoClosed >= 1 && result.breached >= 1, JSON.stringify(result));
    const closed = await mailTo(smtp, c.email, `Closed: [#${answered.number}] Quiet one`);
    assert.match(mimeParts(closed.raw).text, /after 24 hours without a reply/);
    assert.equal(header(closed.raw, 'In-Reply-To'), header(reply.raw, 'Message-ID'));
    // The super admin works tickets: the escalation reaches them by mail from the template, and in the bell.
    const escalated = await waitFor(async () => smtp.received.find((m) => decodedHeader(m.raw, 'Subject') === `SLA breached: [#${waiting.number}] Nobody answers`));
    assert.match(mimeParts(escalated.raw).text, /escalated from medium to high/);
    const bell = (await req('GET', '/api/v1/notifications')) as Array<{ type: string; title: string }>;
    assert.ok(bell.some((b) => b.type === 'support.ticket.escalated' && b.title.includes(`#${waiting.number}`)));
    // A second pass at the same time mails nothing again.
    const count = smtp.received.length;
    await req('POST', '/api/v1/support/maintenance', { now: later });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(smtp.received.length, count);
  });

  it('ticket mails are in the client\'s mail log with subject, time and status; resend mails the reply again, still threaded', async () => {
    const c = await client();
    const ticket = await open(c.id, 'Ada Lovelace', 'Logged');
    await req('POST', `/api/v1/tickets/${ticket.id}/messages`, { body: 'Logged answer.' });
    const reply = await mailTo(smtp, c.email, `Re: [#${ticket.number}] Logged`);
    type Row = { id: string; subject: string; status: string; template: string; createdAt: string; resentFrom: string | null };
    const rows = await waitFor(async () => {
      const r = (await req('GET', `/api/v1/mail-log?clientId=${c.id}`)) as Row[];
      return r.filter((x) => x.template.startsWith('support.')).length === 2 && r.every((x) => x.status === 'sent') ? r : undefined;
    });
    assert.deepEqual(rows.filter((r) => r.template.startsWith('support.')).map((r) => r.subject).sort(), [`Re: [#${ticket.number}] Logged`, `[#${ticket.number}] Logged`].sort());
    assert.ok(rows.every((r) => !Number.isNaN(Date.parse(r.createdAt))));
    const logged = rows.find((r) => r.template === 'support.ticket.reply')!;
    const before = smtp.received.filter((m) => m.to.includes(c.email) && decodedHeader(m.raw, 'Subject') === `Re: [#${ticket.number}] Logged`).length;
    await req('POST', `/api/v1/mail-log/${logged.id}/resend`);
    const again = await waitFor(async () => {
      const all = smtp.received.filter((m) => m.to.includes(c.email) && decodedHeader(m.raw, 'Subject') === `Re: [#${ticket.number}] Logged`);
      return all.length > before ? all[all.length - 1] : undefined;
    });
    assert.notEqual(header(again.raw, 'Message-ID'), header(reply.raw, 'Message-ID'), 'a resend is a new message');
    assert.equal(header(again.raw, 'In-Reply-To'), header(reply.raw, 'In-Reply-To'), 'in the same thread');
  });
});
