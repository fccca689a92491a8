import assert from 'node:assert/strict';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, loginAs, superAdminToken, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
import { isoDateOf } from '../src/domain/dates.ts';
import { pdfText } from './support/pdf-text.ts';

/**
 * The reseller's wholesale account: `GET /api/v1/wholesale-invoices` (+ `/:id`, `/:id/pdf`) shows
 * the reseller the invoices its parent issued to it, in the reseller's own tenant, and nothing to
 * anybody else: another reseller, a non-reseller child, a stranger or the parent's own client get
 * an empty list or a 404 for the real invoice id.
 */
describe('wholesale account: the parent\'s invoices to its reseller', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let parent: TenantWithAdmin;
  let reseller: TenantWithAdmin;
  let otherReseller: TenantWithAdmin;
  let plainChild: TenantWithAdmin;
  let stranger: TenantWithAdmin;
  let invoiceId: string;
  const today = isoDateOf(new Date());
  const req = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  async function must<T = any>(token: string, method: string, path: string, body?: unknown, status = method === 'POST' ? 201 : 200): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await req(token, method, path, body);
    assert.equal(res.status, status, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data as T;
  }
  async function child(slug: string, isReseller: boolean): Promise<TenantWithAdmin> {
    const made = await createTenantWithAdmin(server, { slug, parentTenantId: parent.tenant.id, asToken: await superAdminToken(server) });
    if (isReseller) await server.knex('tenants').where({ id: made.tenant.id }).update({ is_reseller: true });
    return made;
  }

  before(async () => {
    ({ server, close } = await startBillingServer(['gateway-manual']));
    const root = await superAdminToken(server);
    parent = await createTenantWithAdmin(server, { slug: 'wi-parent', isReseller: true, asToken: root });
    reseller = await child('wi-reseller', true);
    otherReseller = await child('wi-reseller-2', true);
    plainChild = await child('wi-plain', false);
    stranger = await createTenantWithAdmin(server, { slug: 'wi-stranger', isReseller: true, asToken: root });

    await must(parent.token, 'PUT', '/api/v1/plugins/billing/settings', { companyName: 'Parent Hosting Ltd' });
    const product = await must(parent.token, 'POST', '/api/v1/products', { name: 'Backup Plus', type: 'other', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 2999 }] });
    const offer = await must(parent.token, 'POST', '/api/v1/wholesale-offers', { productId: product.id, childTenantId: reseller.tenant.id, currency: 'USD', prices: { monthly: 700 } });
    // The other reseller has an account with the parent too: its invoice must stay its own.
    const otherOffer = await must(parent.token, 'POST', '/api/v1/wholesale-offers', { productId: product.id, childTenantId: otherReseller.tenant.id, currency: 'USD', prices: { monthly: 650 } });
    for (const [who, o, tx] of [[reseller, offer, 'wi-1'], [otherReseller, otherOffer, 'wi-2']] as const) {
      const adopted = await must(who.token, 'POST', `/api/v1/wholesale-offers/${o.id}/adopt`, { pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1500 }] });
      const client = await must(who.token, 'POST', '/api/v1/clients', { email: `end@${tx}.test`, firstName: 'End', lastName: 'Customer', country: 'US', currency: 'USD' });
      const placed = await must(who.token, 'POST', '/api/v1/orders', { clientId: client.id, items: [{ productId: adopted.id, cycle: 'monthly', domain: `${tx}.customer.test` }] });
      await must(who.token, 'POST', `/api/v1/invoices/${placed.invoice.id}/payments`, { amount: 1500, gateway: 'bank', transactionId: tx });
    }
    assert.equal((await must(parent.token, 'POST', '/api/v1/billing/runs', { date: today }, 200)).invoicesCreated, 2);
    const row = await server.knex('invoices').join('clients', 'clients.id', 'invoices.client_id').where({ 'clients.reseller_tenant_id': reseller.tenant.id }).first('invoices.id');
    invoiceId = row.id as string;
  });
  after(() => close?.());

  it('the reseller lists its parent\'s invoices and what it owes', async () => {
    const account = await must(reseller.token, 'GET', '/api/v1/wholesale-invoices');
    assert.deepEqual(account.invoices.map((i: Record<string, unknown>) => [i.id, i.status, i.currency, i.total, i.amountDue, i.issueDate]), [[invoiceId, 'unpaid', 'USD', 700, 700, today]]);
    assert.match(account.invoices[0].number, /\S/);
    assert.equal(account.invoices[0].clientId, undefined, 'the parent\'s bookkeeping stays the parent\'s');
    assert.deepEqual(account.balance, [{ currency: 'USD', amountDue: 700 }]);
  });

  it('one invoice has its wholesale lines; its PDF comes from the parent', async () => {
    const invoice = await must(reseller.token, 'GET', `/api/v1/wholesale-invoices/${invoiceId}`);
    assert.deepEqual(invoice.items.map((i: Record<string, unknown>) => [i.kind, i.unitAmount, i.total]), [['wholesale', 700, 700]]);
    assert.match(invoice.items[0].description, /Backup Plus — wi-1\.customer\.test/);
    // Bytes, not the test client's text: fetched directly.
    const pdf = await fetch(`${server.url}/api/v1/wholesale-invoices/${invoiceId}/pdf`, { headers: { authorization: `Bearer ${reseller.token}` } });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    assert.match(text, /Parent Hosting Ltd/);
    assert.match(text, /Backup Plus/);
  });

  // "With the reseller's own payment methods": the reseller's billing contact is a portal user of the
  // parent bound to the reseller's client account, and pays there with the parent's gateways.
  it('the reseller\'s billing contact pays in the parent\'s portal with the parent\'s gateway, and sees no other client\'s invoice', async () => {
    const account = await server.knex('clients').where({ reseller_tenant_id: reseller.tenant.id }).first('id');
    const contact = await createUser(server, parent.token, ['client'], { clientId: account.id as string, tenant: parent.tenant.slug });
    const listed = await must(contact.token, 'GET', '/api/v1/invoices');
    assert.deepEqual(listed.map((i: { id: string }) => i.id), [invoiceId], 'its own wholesale invoice, not the other reseller\'s');
    assert.deepEqual((await must(contact.token, 'GET', '/api/v1/billing/gateways')).map((g: { key: string }) => g.key), ['manual']);
    const pay = await must(contact.token, 'POST', `/api/v1/invoices/${invoiceId}/pay`, { gateway: 'manual' }, 200);
    assert.deepEqual([pay.status, pay.amount], ['pending', 700]);
    const other = await server.knex('invoices').join('clients', 'clients.id', 'invoices.client_id').where({ 'clients.reseller_tenant_id': otherReseller.tenant.id }).first('invoices.id');
    assert.equal((await req(contact.token, 'GET', `/api/v1/invoices/${other.id}`)).status, 404);
    assert.equal((await req(contact.token, 'POST', `/api/v1/invoices/${other.id}/pay`, { gateway: 'manual' })).status, 404);
  });

  it('paid on the parent\'s side, it shows paid and the balance is cleared', async () => {
    await must(parent.token, 'POST', `/api/v1/invoices/${invoiceId}/payments`, { amount: 700, gateway: 'bank', transactionId: 'wi-parent-1' });
    const account = await must(reseller.token, 'GET', '/api/v1/wholesale-invoices');
    assert.deepEqual(account.invoices.map((i: Record<string, unknown>) => [i.status, i.amountDue]), [['paid', 0]]);
    assert.deepEqual(account.balance, []);
  });

  it('nobody else sees it: another reseller, a non-reseller child, a stranger, the parent itself', async () => {
    const others = await must(otherReseller.token, 'GET', '/api/v1/wholesale-invoices');
    assert.equal(others.invoices.length, 1);
    assert.notEqual(others.invoices[0].id, invoiceId, 'the other reseller sees its own invoice only');
    for (const other of [otherReseller, plainChild, stranger, parent]) {
      if (other !== otherReseller) assert.deepEqual(await must(other.token, 'GET', '/api/v1/wholesale-invoices'), { invoices: [], balance: [] });
      for (const path of [`/api/v1/wholesale-invoices/${invoiceId}`, `/api/v1/wholesale-invoices/${invoiceId}/pdf`]) {
        const res = await req(other.token, 'GET', path);
        assert.equal(res.status, 404, `${other.tenant.slug} ${path}: ${res.status}`);
      }
    }
  });

  it('a tenant no longer a reseller sees nothing, though the parent\'s client row still names it', async () => {
    await server.knex('tenants').where({ id: reseller.tenant.id }).update({ is_reseller: false });
    try {
      assert.deepEqual(await must(reseller.token, 'GET', '/api/v1/wholesale-invoices'), { invoices: [], balance: [] });
      assert.equal((await req(reseller.token, 'GET', `/api/v1/wholesale-invoices/${invoiceId}`)).status, 404);
    } finally {
      await server.knex('tenants').where({ id: reseller.tenant.id }).update({ is_reseller: true });
    }
    assert.equal((await must(reseller.token, 'GET', '/api/v1/wholesale-invoices')).invoices.length, 1);
  });

  it('the parent\'s own client cannot use it', async () => {
    await must(parent.token, 'POST', '/api/v1/clients', { email: 'plain@client.test', firstName: 'Plain', lastName: 'Client', country: 'US', currency: 'USD', password: 'a-long-and-unusual-passphrase' });
    const session = await loginAs(server, 'plain@client.test', 'a-long-and-unusual-passphrase', 'wi-parent');
    for (const path of ['/api/v1/wholesale-invoices', `/api/v1/wholesale-invoices/${invoiceId}`, `/api/v1/wholesale-invoices/${invoiceId}/pdf`]) {
      const res = await req(session.accessToken, 'GET', path);
      assert.equal(res.status, 403, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });

  it('the offer list names product and reseller; the resellers list holds reseller children only', async () => {
    const offers = await must<Array<Record<string, unknown>>>(parent.token, 'GET', '/api/v1/wholesale-offers');
    assert.deepEqual(offers.map((o) => [o.productName, o.resellerName, o.groupName]).sort(), [['Backup Plus', 'wi-reseller', null], ['Backup Plus', 'wi-reseller-2', null]]);
    const resellers = await must<Array<{ id: string; name: string }>>(parent.token, 'GET', '/api/v1/wholesale/resellers');
    assert.deepEqual(resellers.map((r) => r.name), ['wi-reseller', 'wi-reseller-2'], 'never the non-reseller child or a stranger');
    for (const other of [reseller, stranger]) assert.deepEqual(await must(other.token, 'GET', '/api/v1/wholesale/resellers'), [], 'nobody else\'s resellers');
  });

  it('a malformed id is a 400, an unknown one a 404', async () => {
    assert.equal((await req(reseller.token, 'GET', '/api/v1/wholesale-invoices/not-a-uuid')).status, 400);
    assert.equal((await req(reseller.token, 'GET', '/api/v1/wholesale-invoices/00000000-0000-4000-8000-000000000000')).status, 404);
  });
});
