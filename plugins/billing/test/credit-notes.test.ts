import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** `POST /api/v1/invoices/:id/credit-notes`: corrections never touch the issued invoice. */
describe('billing: credit notes over HTTP', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let client: { id: string };
  let portal: string;
  let product: { id: string };
  const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    product = (await req('POST', '/api/v1/products', admin, { name: 'Hosting', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 3000 }] })).body.data;
    client = (await req('POST', '/api/v1/clients', admin, { email: 'credit@client.test', firstName: 'C', lastName: 'N', country: 'NL', currency: 'EUR' })).body.data;
    portal = (await createUser(server, admin, ['client'], { clientId: client.id })).token;
  });
  after(async () => { await close?.(); });

  async function unpaidInvoice(clientId = client.id) {
    const placed = await req('POST', '/api/v1/orders', admin, { clientId, items: [{ productId: product.id, cycle: 'monthly' }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    return (await req('GET', `/api/v1/invoices/${placed.body.data.invoice.id}`, admin)).body.data;
  }
  const balance = async (clientId = client.id) => (await req('GET', `/api/v1/clients/${clientId}`, admin)).body.data.creditBalance as number;

  it('on an unpaid invoice: reduces what is due, leaves its lines and total alone, and a full credit pays it', async () => {
    const invoice = await unpaidInvoice();
    const res = await req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, admin, { amount: 1000, reason: 'outage in March' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { creditNote, invoice: after, appliedToInvoice, toCredit } = res.body.data;
    assert.equal(invoice.amountDue, invoice.total, 'no client credit yet');
    assert.deepEqual([creditNote.kind, creditNote.total, creditNote.status, appliedToInvoice, toCredit], ['credit_note', 1000, 'paid', 1000, 0]);
    assert.match(creditNote.number, /\S/);
    assert.notEqual(creditNote.number, invoice.number);
    assert.deepEqual(after.items, invoice.items, 'the issued lines never change');
    assert.deepEqual([after.total, after.amountDue, after.status], [invoice.total, invoice.total - 1000, 'unpaid']);
    assert.equal(await balance(), 0);

    const rest = await req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, admin, { amount: invoice.total - 1000, reason: 'waived' });
    assert.equal(rest.status, 201);
    assert.deepEqual([rest.body.data.invoice.status, rest.body.data.invoice.amountDue], ['paid', 0]);
    const more = await req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, admin, { amount: 1, reason: 'too much' });
    assert.equal(more.status, 400, 'an invoice cannot be credited beyond its total');
    assert.ok(more.body.details.amount);
  });

  it('on a paid invoice: the credit becomes client credit; lines must add up to the amount', async () => {
    const invoice = await unpaidInvoice();
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, { amount: invoice.total, gateway: 'manual', transactionId: `cn-${invoice.id}` })).status, 201);
    const before = await balance();
    const wrong = await req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, admin, { amount: 700, reason: 'x', lines: [{ description: 'Partial month', amount: 600, taxable: false }] });
    assert.equal(wrong.status, 400);
    const res = await req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, admin, {
      amount: 700, reason: 'downtime', lines: [{ description: 'Downtime 1', amount: 400, taxable: false }, { description: 'Downtime 2', amount: 300, taxable: false }],
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual([res.body.data.appliedToInvoice, res.body.data.toCredit, res.body.data.creditNote.items.length], [0, 700, 2]);
    assert.deepEqual([res.body.data.invoice.status, res.body.data.invoice.amountPaid], ['paid', invoice.total]);
    assert.equal(await balance(), before + 700);
    // The credit note is a document of its own, correcting nothing further.
    assert.equal((await req('POST', `/api/v1/invoices/${res.body.data.creditNoteId}/credit-notes`, admin, { amount: 1, reason: 'x' })).status, 409);
  });

  /** On a client of its own: no credit of earlier tests pays it. */
  async function paidInvoice() {
    const owner = (await req('POST', '/api/v1/clients', admin, { email: `paid-${Math.random().toString(36).slice(2)}@client.test`, firstName: 'P', lastName: 'I', country: 'NL', currency: 'EUR' })).body.data;
    const invoice = await unpaidInvoice(owner.id);
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, { amount: invoice.total, gateway: 'manual', transactionId: `paid-${invoice.id}` })).status, 201);
    return invoice as { id: string; total: number; clientId: string };
  }
  const refundRows = async (invoiceId: string) => (await req('GET', `/api/v1/invoices/${invoiceId}`, admin)).body.data.refunds as Array<{ amount: number }>;

  it('a paid invoice is never given back twice: a full credit note leaves nothing to refund, a refund leaves less to credit', async () => {
    const credited = await paidInvoice();
    assert.equal((await req('POST', `/api/v1/invoices/${credited.id}/credit-notes`, admin, { amount: credited.total, reason: 'goodwill' })).status, 201);
    const refund = await req('POST', `/api/v1/invoices/${credited.id}/refunds`, admin, { amount: credited.total });
    assert.equal(refund.status, 400, JSON.stringify(refund.body));
    assert.ok(refund.body.details.amount);
    assert.equal((await req('POST', `/api/v1/invoices/${credited.id}/refunds`, admin, { amount: 1 })).status, 400);
    assert.deepEqual(await refundRows(credited.id), []);
    assert.equal(await balance(credited.clientId), credited.total, 'the credit note alone was given back');

    const refunded = await paidInvoice();
    assert.equal((await req('POST', `/api/v1/invoices/${refunded.id}/refunds`, admin, { amount: 1000 })).status, 201);
    const tooMuch = await req('POST', `/api/v1/invoices/${refunded.id}/credit-notes`, admin, { amount: refunded.total, reason: 'x' });
    assert.equal(tooMuch.status, 400, JSON.stringify(tooMuch.body));
    assert.equal((await req('POST', `/api/v1/invoices/${refunded.id}/credit-notes`, admin, { amount: refunded.total - 1000, reason: 'rest' })).status, 201);
    assert.equal((await req('POST', `/api/v1/invoices/${refunded.id}/refunds`, admin, { amount: 1 })).status, 400);
    assert.equal(await balance(refunded.clientId), refunded.total - 1000);
  });

  it('a credit note and a refund sent at once: only one gives the money back', async () => {
    const invoice = await paidInvoice();
    const answers = await Promise.all([
      req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, admin, { amount: invoice.total, reason: 'race' }),
      req('POST', `/api/v1/invoices/${invoice.id}/refunds`, admin, { amount: invoice.total }),
      req('POST', `/api/v1/invoices/${invoice.id}/refunds`, admin, { amount: invoice.total }),
    ]);
    assert.equal(answers.filter((a) => a.status === 201).length, 1, JSON.stringify(answers.map((a) => [a.status, a.body])));
    for (const a of answers.filter((x) => x.status !== 201)) assert.ok([400, 409].includes(a.status), JSON.stringify(a.body));
    const refunded = (await refundRows(invoice.id)).reduce((s, r) => s + r.amount, 0);
    assert.equal(refunded + (await balance(invoice.clientId)), invoice.total, 'exactly what was paid went back');
  });

  it('staff only, and another tenant gets a 404', async () => {
    const invoice = await unpaidInvoice();
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, portal, { amount: 100, reason: 'please' })).status, 403);
    const other = await createTenantWithAdmin(server);
    assert.equal((await req('POST', `/api/v1/invoices/${invoice.id}/credit-notes`, other.token, { amount: 100, reason: 'x' })).status, 404);
    assert.equal((await req('GET', `/api/v1/invoices/${invoice.id}`, admin)).body.data.amountDue, invoice.amountDue, 'nothing changed');
  });
});
