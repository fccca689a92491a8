import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { superAdminToken } from '../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import { waitFor } from '../../../core/test/plugins/wait.ts';
// eslint-disable-next-line no-restricted-imports
import { body, header, SmtpCapture, type ReceivedMail } from '../../../core/test/mail/smtp-capture.ts';
import { startBillingServer } from './support/api-server.ts';
import { addDays } from '../src/domain/dates.ts';

/**
 * Billing's mails end to end: billing events (and a gateway's payment.failed /
 * payment.actionRequired) → billing's subscribers → ctx.mail → core's mail job → the tenant's SMTP
 * server, here an in-process smtp-server that keeps what it receives.
 */
describe('billing mails (received over SMTP)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let smtp: SmtpCapture;
  let admin: string;
  let tenantId: string;
  let client: { id: string };
  let invoice: { id: string; number: string; total: number };
  let serviceId: string;
  const req = async (method: string, path: string, payload?: unknown) => {
    const res = await server.request(method, path, { token: admin, ...(payload === undefined ? {} : { body: payload }) });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  /** Every event delivered and no mail job left (either queue backend): what will arrive has arrived. */
  const allDelivered = () => waitFor(async () => {
    const { jobQueue } = server.running.platform.container.cradle;
    const [pending] = (await server.knex('event_deliveries').where({ status: 'pending' }).count({ n: '*' })) as Array<{ n: number }>;
    const [undispatched] = (await server.knex('outbox_events').whereNull('dispatched_at').count({ n: '*' })) as Array<{ n: number }>;
    if (Number(pending!.n) + Number(undispatched!.n) > 0) return false;
    for (const status of ['waiting', 'delayed', 'active']) if ((await jobQueue.list(status, tenantId, 1, 10)).total > 0) return false;
    return true;
  });
  const mailWithSubject = (subject: string | RegExp) =>
    waitFor<ReceivedMail>(async () => smtp.received.find((m) => (typeof subject === 'string' ? header(m.raw, 'Subject') === subject : subject.test(header(m.raw, 'Subject') ?? ''))), 20_000);

  before(async () => {
    smtp = new SmtpCapture();
    const port = await smtp.listen();
    // The capture server listens on loopback, which the operator has to allow.
    ({ server, close } = await startBillingServer([], { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }));
    admin = await superAdminToken(server);
    tenantId = ((await server.knex('tenants').where({ slug: 'default' }).first('id')) as { id: string }).id;
    await server.running.platform.container.cradle.mail.saveSettings(tenantId, { host: '127.0.0.1', port, secure: false, fromEmail: 'noreply@acme.test' });
    await req('PUT', '/api/v1/plugins/billing/settings', {
      companyName: 'Acme Hosting', mailFrom: 'billing@acme.test',
      // A tenant's own template for one kind; the others keep the defaults.
      mailTemplates: { 'payment.received': { subject: 'Thanks! {{amount}} received for {{number}}', text: 'Dear {{name}}, thank you for paying {{number}}. {{company}}' } },
    });
    const product = await req('POST', '/api/v1/products', { name: 'Web Hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] });
    client = await req('POST', '/api/v1/clients', { email: 'ada@client.test', firstName: 'Ada', lastName: 'Lovelace', country: 'US', currency: 'USD' });
    const placed = await req('POST', '/api/v1/orders', { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly', domain: 'ada.test' }] });
    invoice = placed.invoice;
    serviceId = placed.services[0].id;
  });
  after(async () => {
    await close?.();
    await smtp?.close();
  });

  it('invoice created: to the client, from the tenant\'s billing address, with number and total', async () => {
    const mail = await mailWithSubject(`Invoice ${invoice.number} from Acme Hosting`);
    assert.deepEqual(mail.to, ['ada@client.test']);
    assert.equal(mail.from, 'billing@acme.test');
    assert.equal(header(mail.raw, 'From'), 'Acme Hosting <billing@acme.test>');
    assert.match(body(mail.raw), /Hello Ada Lovelace,/);
    assert.match(body(mail.raw), /\$10\.00|10\.00/);
  });

  it('a gateway\'s payment.failed and payment.actionRequired mail the client', async () => {
    const { eventBus } = server.running.platform.container.cradle;
    await eventBus.emit({ source: 'gateway-stripe', name: 'payment.failed', tenantId, payload: { invoiceId: invoice.id, clientId: client.id, gateway: 'stripe', transactionId: 'pi_1', reason: 'Your card was declined.' } });
    await eventBus.emit({ source: 'gateway-stripe', name: 'payment.actionRequired', tenantId, payload: { invoiceId: invoice.id, clientId: client.id, gateway: 'stripe', transactionId: 'pi_2', reason: 'Authentication required' } });
    const failed = await mailWithSubject(`Payment for invoice ${invoice.number} failed`);
    assert.deepEqual(failed.to, ['ada@client.test']);
    assert.match(body(failed.raw), /did not go through: Your card was declined\./);
    const action = await mailWithSubject(`Please confirm your payment for invoice ${invoice.number}`);
    assert.deepEqual(action.to, ['ada@client.test']);
  });

  it('payment received uses the tenant\'s own template', async () => {
    await req('POST', `/api/v1/invoices/${invoice.id}/payments`, { amount: invoice.total, gateway: 'manual', transactionId: 'mail-test-1' });
    const mail = await mailWithSubject(new RegExp(`^Thanks! .+ received for ${invoice.number}$`));
    assert.match(body(mail.raw), new RegExp(`Dear Ada Lovelace, thank you for paying ${invoice.number}\\. Acme Hosting`));
  });

  it('the billing run mails the renewal invoice, a reminder, the overdue notice and the suspension, each once', async () => {
    const due = ((await server.knex.raw(`select to_char(next_due_date, 'YYYY-MM-DD') as d from services where id = ?`, [serviceId])).rows[0] as { d: string }).d;
    for (const date of [addDays(due, -3), addDays(due, -3), addDays(due, 1), addDays(due, 7)]) await req('POST', '/api/v1/billing/runs', { date, force: true });
    const renewal = (await server.knex('invoices').where({ client_id: client.id }).whereNot({ id: invoice.id }).first('number')) as { number: string };
    assert.ok(renewal, 'renewal invoice');
    await mailWithSubject(`Invoice ${renewal.number} from Acme Hosting`);
    const reminder = await mailWithSubject(`Reminder: invoice ${renewal.number} is due on ${due}`);
    assert.match(body(reminder.raw), new RegExp(`invoice ${renewal.number} \\(.+ due\\) is due on ${due}`));
    await mailWithSubject(`Invoice ${renewal.number} is overdue`);
    const suspended = await mailWithSubject(/^Your service Web Hosting \(ada\.test\) is suspended$/);
    assert.match(body(suspended.raw), /was suspended \(overdue\)/);
    // Give any duplicate a chance to arrive: every event delivered and no mail job left (either queue backend), then count.
    await allDelivered();
    const subjects = smtp.received.map((m) => header(m.raw, 'Subject'));
    for (const s of [`Invoice ${renewal.number} from Acme Hosting`, `Invoice ${renewal.number} is overdue`]) {
      assert.equal(subjects.filter((x) => x === s).length, 1, `${s} once in ${subjects.join(' | ')}`);
    }
  });

  it('a credit note has its own number series and its own mail, not an "invoice is due" one', async () => {
    const issued = await req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, { amount: 300, reason: 'outage' });
    const number = issued.creditNote.number as string;
    assert.match(number, /^CN-\d{4}-00001$/, 'the first credit note of the tenant, in its own series');
    const mail = await mailWithSubject(`Credit note ${number} for invoice ${invoice.number}`);
    assert.deepEqual(mail.to, ['ada@client.test']);
    assert.match(body(mail.raw), new RegExp(`credit note ${number} for \\$3\\.00`));
    await allDelivered();
    const subjects = smtp.received.map((m) => header(m.raw, 'Subject') ?? '');
    assert.deepEqual(subjects.filter((x) => x.includes(number)), [`Credit note ${number} for invoice ${invoice.number}`], subjects.join(' | '));
  });
});
