import assert from 'node:assert/strict';
import { MAX_AMOUNT } from '@mpanel/sdk';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, superAdminToken, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
import { isoDateOf } from '../src/domain/dates.ts';
import { nextDueDate } from '../src/domain/cycles.ts';

const LIMITS = { diskMb: 1000, sites: 2, databases: 1, cronJobs: 1, phpVersions: ['8.2', '8.3'], phpMaxChildren: 5, memoryMb: 256 };

/**
 * Wholesale end to end (issue 22 item 5) with billing and hosting on the test server: a parent
 * offers a hosting product to its reseller sub-tenant, the reseller adopts it at its own price, the
 * reseller's client orders and pays, the account is placed on the parent's server group within
 * the reseller's grant, the parent's billing run invoices the reseller, an overrun of the grant is
 * refused at order time, an overdue reseller's new orders are held, and nobody else sees any of it.
 */
describe('wholesale: parent → reseller → reseller\'s client', function () {
  this.timeout(300_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let parent: TenantWithAdmin;
  let reseller: TenantWithAdmin;
  let otherReseller: TenantWithAdmin;
  let plainChild: TenantWithAdmin;
  let stranger: TenantWithAdmin;
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
  async function accountOf(serviceId: string): Promise<{ server_id: string | null; desired_state: string }> {
    for (let i = 0; i < 200; i++) {
      const row = await server.knex('hosting_accounts').where({ service_id: serviceId }).first('server_id', 'desired_state');
      if (row) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no hosting account for service ${serviceId}`);
  }

  let offer: { id: string };
  let group: { id: string };
  let parentServer: { id: string };
  let grant: { id: string };
  let adopted: { id: string };
  let resellerClient: string;
  let firstService: string;
  let wholesaleInvoice: { id: string; total: number };

  before(async () => {
    ({ server, close } = await startBillingServer(['hosting']));
    const root = await superAdminToken(server);
    parent = await createTenantWithAdmin(server, { slug: 'ws-parent', isReseller: true, asToken: root });
    reseller = await child('ws-reseller', true);
    otherReseller = await child('ws-reseller-2', true);
    plainChild = await child('ws-plain', false);
    stranger = await createTenantWithAdmin(server, { slug: 'ws-stranger', isReseller: true, asToken: root });
  });
  after(() => close?.());

  it('the parent offers a product to one reseller at a wholesale price; only that reseller sees it, without the retail price', async () => {
    group = await must(parent.token, 'POST', '/api/v1/server-groups', { name: 'shared', placement: 'fill' });
    parentServer = await must(parent.token, 'POST', '/api/v1/servers', { name: 'web1', hostname: 'web1.ws-parent.test', groupId: group.id, status: 'online', maxAccounts: 10 });
    const ownPlan = await must(parent.token, 'POST', '/api/v1/hosting-plans', { name: 'parent plan', serverGroupId: group.id, limits: LIMITS });
    const product = await must(parent.token, 'POST', '/api/v1/products', {
      name: 'Web Pro', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 2999 }], provisioning: { module: 'hosting', config: { planId: ownPlan.id } },
    });
    // Not a reseller, not a child, no target, two targets, a cycle that is not one: refused.
    for (const [body, field] of [
      [{ childTenantId: plainChild.tenant.id }, 'childTenantId'], [{ childTenantId: stranger.tenant.id }, 'childTenantId'], [{}, 'childTenantId'],
      [{ childTenantId: reseller.tenant.id, groupId: reseller.tenant.id }, 'childTenantId'],
    ] as const) {
      const res = await req(parent.token, 'POST', '/api/v1/wholesale-offers', { productId: product.id, currency: 'USD', prices: { monthly: 700 }, ...body });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.ok(res.body.details[field], JSON.stringify(res.body));
    }
    assert.equal((await req(parent.token, 'POST', '/api/v1/wholesale-offers', { productId: product.id, childTenantId: reseller.tenant.id, currency: 'USD', prices: { weekly: 1 } })).status, 400);
    assert.equal((await req(parent.token, 'POST', '/api/v1/wholesale-offers', { productId: product.id, childTenantId: reseller.tenant.id, currency: 'USD', prices: { monthly: -1 } })).status, 400);
    offer = await must(parent.token, 'POST', '/api/v1/wholesale-offers', { productId: product.id, childTenantId: reseller.tenant.id, currency: 'USD', prices: { monthly: 700, annually: 7000 } });
    grant = await must(parent.token, 'POST', `/api/v1/server-groups/${group.id}/grants`, { childTenantId: reseller.tenant.id, maxAccounts: 1 });

    const catalogue = await must<Array<Record<string, unknown>>>(reseller.token, 'GET', '/api/v1/wholesale/catalogue');
    assert.deepEqual(catalogue.map((o) => [o.id, o.productName, o.currency, o.prices]), [[offer.id, 'Web Pro', 'USD', { monthly: 700, annually: 7000 }]]);
    assert.deepEqual(Object.keys(catalogue[0]!).sort(), ['createdAt', 'currency', 'description', 'id', 'prices', 'productName', 'taxable', 'type']);
    assert.doesNotMatch(JSON.stringify(catalogue), /[:,[]2999[,}\]]/, 'never the parent\'s retail price');
    for (const other of [otherReseller, plainChild, stranger]) {
      assert.deepEqual(await must(other.token, 'GET', '/api/v1/wholesale/catalogue'), [], 'another reseller, a non-reseller child, a stranger: nothing');
      assert.equal((await req(other.token, 'POST', `/api/v1/wholesale-offers/${offer.id}/adopt`, { pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1 }] })).status, 404);
      assert.equal((await req(other.token, 'GET', `/api/v1/wholesale-offers/${offer.id}`)).status, 404);
      assert.equal((await req(other.token, 'PATCH', `/api/v1/wholesale-offers/${offer.id}`, { active: false })).status, 404);
    }
    assert.equal((await req(reseller.token, 'GET', `/api/v1/wholesale-offers/${offer.id}`)).status, 404, 'the reseller reads it through its catalogue only');
    // The database itself keeps an offer to its tenant's own products (foreign keys ignore RLS).
    const theirs = await must(stranger.token, 'POST', '/api/v1/products', { name: 'Theirs', type: 'other', pricing: [] });
    await assert.rejects(server.knex('wholesale_offers').insert({ tenant_id: parent.tenant.id, product_id: theirs.id, child_tenant_id: reseller.tenant.id, currency: 'USD', prices: '{"monthly":1}' }), /foreign key/i);
  });

  it('a group offer reaches the group\'s members only', async () => {
    const product = await must(parent.token, 'POST', '/api/v1/products', { name: 'Backup', type: 'other', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 500 }] });
    assert.equal((await req(parent.token, 'POST', '/api/v1/wholesale-groups', { name: 'gold', memberTenantIds: [plainChild.tenant.id] })).status, 400, 'only reseller children');
    const gold = await must(parent.token, 'POST', '/api/v1/wholesale-groups', { name: 'gold', memberTenantIds: [otherReseller.tenant.id] });
    const groupOffer = await must(parent.token, 'POST', '/api/v1/wholesale-offers', { productId: product.id, groupId: gold.id, currency: 'USD', prices: { monthly: 100 } });
    assert.deepEqual((await must<Array<{ id: string }>>(otherReseller.token, 'GET', '/api/v1/wholesale/catalogue')).map((o) => o.id), [groupOffer.id]);
    assert.deepEqual((await must<Array<{ id: string }>>(reseller.token, 'GET', '/api/v1/wholesale/catalogue')).map((o) => o.id), [offer.id]);
    assert.equal((await req(stranger.token, 'GET', `/api/v1/wholesale-groups/${gold.id}`)).status, 404);
    assert.equal((await req(parent.token, 'DELETE', `/api/v1/wholesale-offers/${groupOffer.id}`)).status, 200, 'an offer nobody adopted can go');
  });

  it('the reseller adopts the offer at its own price, in offered cycles only', async () => {
    const plan = await must(reseller.token, 'POST', '/api/v1/hosting-plans', { name: 'resold', serverGroupId: group.id, limits: LIMITS });
    const wrongCycle = await req(reseller.token, 'POST', `/api/v1/wholesale-offers/${offer.id}/adopt`, { pricing: [{ currency: 'USD', cycle: 'quarterly', amount: 4000 }] });
    assert.deepEqual([wrongCycle.status, wrongCycle.body.details], [400, { pricing: 'not offered wholesale in: quarterly' }]);
    adopted = await must(reseller.token, 'POST', `/api/v1/wholesale-offers/${offer.id}/adopt`, {
      name: 'Reseller Web', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1500 }], provisioning: { module: 'hosting', config: { planId: plan.id } },
    });
    assert.equal((adopted as unknown as { wholesaleOfferId: string }).wholesaleOfferId, offer.id);
    assert.equal((await req(parent.token, 'DELETE', `/api/v1/wholesale-offers/${offer.id}`)).status, 409, 'an adopted offer is retired, not deleted');
  });

  it('the reseller\'s client orders and pays: the account lands on the parent\'s server and the parent records one charge', async () => {
    resellerClient = (await must(reseller.token, 'POST', '/api/v1/clients', { email: 'end@customer.test', firstName: 'End', lastName: 'Customer', country: 'US', currency: 'USD' })).id;
    const placed = await must(reseller.token, 'POST', '/api/v1/orders', { clientId: resellerClient, items: [{ productId: adopted.id, cycle: 'monthly', domain: 'shop.customer.test' }] });
    assert.equal(placed.invoice.total, 1500, 'the reseller\'s own retail price');
    firstService = placed.services[0].id;
    assert.equal(await server.knex('wholesale_charges').count({ n: '*' }).first().then((r) => Number(r!.n)), 0, 'nothing is charged before the client pays');
    await must(reseller.token, 'POST', `/api/v1/invoices/${placed.invoice.id}/payments`, { amount: 1500, gateway: 'bank', transactionId: 'ws-1' });
    const account = await accountOf(firstService);
    assert.equal(account.server_id, parentServer.id, 'placed on the parent\'s server through the grant');
    const charges = await server.knex('wholesale_charges').select('*');
    assert.equal(charges.length, 1);
    const [c] = charges;
    assert.deepEqual(
      [c.tenant_id, c.reseller_tenant_id, c.reseller_service_id, c.offer_id, Number(c.unit_amount), c.quantity, isoDateOf(c.period_start), c.reference, c.invoice_id],
      [parent.tenant.id, reseller.tenant.id, firstService, offer.id, 700, 1, today, 'shop.customer.test', null],
    );
  });

  it('an order that would overrun the reseller\'s grant is refused at order time, naming the quota', async () => {
    const orders = await server.knex('orders').where({ tenant_id: reseller.tenant.id }).count({ n: '*' }).first();
    const res = await req(reseller.token, 'POST', '/api/v1/orders', { clientId: resellerClient, items: [{ productId: adopted.id, cycle: 'monthly', domain: 'second.customer.test' }] });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.error, 'Hosting quota exceeded: accounts: the grant allows 1, 1 are in use and 1 more are needed');
    assert.deepEqual(res.body.details, { items: 'quota exceeded (accounts)' });
    assert.deepEqual(await server.knex('orders').where({ tenant_id: reseller.tenant.id }).count({ n: '*' }).first(), orders, 'no order, service or invoice left behind');
  });

  it('the parent\'s billing run invoices the reseller: one line per service and period, exact totals, once', async () => {
    // Two runs at once: the charge is locked by one of them and invoiced once.
    const runs = await Promise.all([1, 2].map(() => must(parent.token, 'POST', '/api/v1/billing/runs', { date: today }, 200)));
    assert.equal(runs[0].invoicesCreated + runs[1].invoicesCreated, 1);
    const client = await server.knex('clients').where({ tenant_id: parent.tenant.id, reseller_tenant_id: reseller.tenant.id }).first();
    assert.ok(client, 'the reseller became a client of the parent');
    const invoices = await must<Array<{ id: string; total: number }>>(parent.token, 'GET', `/api/v1/invoices?clientId=${client.id}`);
    assert.equal(invoices.length, 1);
    const invoice = await must(parent.token, 'GET', `/api/v1/invoices/${invoices[0]!.id}`);
    const end = nextDueDate(today, 'monthly', Number(today.slice(8, 10)));
    assert.deepEqual([invoice.subtotal, invoice.tax, invoice.total, invoice.currency, invoice.status], [700, 0, 700, 'USD', 'unpaid']);
    assert.deepEqual(invoice.items.map((i: Record<string, unknown>) => [i.kind, i.description, i.unitAmount, i.quantity, i.total, i.periodStart, i.periodEnd]), [
      ['wholesale', `Web Pro — shop.customer.test (service ${firstService}) ${today} – ${end}`, 700, 1, 700, today, end],
    ]);
    wholesaleInvoice = invoice;
    assert.equal((await must(parent.token, 'POST', '/api/v1/billing/runs', { date: today }, 200)).invoicesCreated, 0, 'a second run bills nothing more');
    // Nobody but the parent reads the invoice to the reseller.
    for (const other of [reseller, otherReseller, stranger]) assert.equal((await req(other.token, 'GET', `/api/v1/invoices/${invoice.id}`)).status, 404);
  });

  it('the report shows services, wholesale revenue and margin per reseller', async () => {
    const report = await must(parent.token, 'GET', `/api/v1/wholesale/report?month=${today.slice(0, 7)}`);
    assert.deepEqual(report.resellers, [{
      resellerTenantId: reseller.tenant.id, resellerName: 'ws-reseller', currency: 'USD', services: 1, wholesaleRevenue: 700, retailRevenue: 1500, margin: 800, marginBp: 5333,
    }]);
    assert.equal((await req(reseller.token, 'GET', '/api/v1/wholesale/report')).status, 200);
    assert.deepEqual((await must(reseller.token, 'GET', '/api/v1/wholesale/report')).resellers, [], 'the reseller has no resellers of its own');
  });

  it('an overdue reseller\'s new orders are held; its clients\' services are untouched; paying lifts the hold', async () => {
    await must(parent.token, 'PATCH', `/api/v1/server-groups/${group.id}/grants/${grant.id}`, { maxAccounts: 5 });
    await must(parent.token, 'PUT', '/api/v1/plugins/billing/settings', { wholesaleHoldNewOrdersAfterDays: 3 });
    // Ten days pass without payment.
    await server.knex('invoices').where({ id: wholesaleInvoice.id }).update({ due_date: isoDateOf(new Date(Date.now() - 10 * 86_400_000)) });
    const before = await server.knex('services').where({ id: firstService }).first('status', 'suspend_reason');
    const held = await req(reseller.token, 'POST', '/api/v1/orders', { clientId: resellerClient, items: [{ productId: adopted.id, cycle: 'monthly', domain: 'third.customer.test' }] });
    assert.equal(held.status, 409, JSON.stringify(held.body));
    assert.match(held.body.error, /New orders of wholesale products are on hold: the provider's invoice .+ is more than 3 days overdue/);
    assert.deepEqual(await server.knex('services').where({ id: firstService }).first('status', 'suspend_reason'), before, 'the end customer\'s service is not touched');
    assert.equal((await accountOf(firstService)).desired_state, 'active');
    // A product of the reseller's own is never held.
    const own = await must(reseller.token, 'POST', '/api/v1/products', { name: 'Own', type: 'other', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 100 }] });
    await must(reseller.token, 'POST', '/api/v1/orders', { clientId: resellerClient, items: [{ productId: own.id, cycle: 'monthly' }] });

    await must(parent.token, 'POST', `/api/v1/invoices/${wholesaleInvoice.id}/payments`, { amount: 700, gateway: 'bank', transactionId: 'ws-reseller-1' });
    await must(reseller.token, 'POST', '/api/v1/orders', { clientId: resellerClient, items: [{ productId: adopted.id, cycle: 'monthly', domain: 'third.customer.test' }] });
  });

  it('a retired offer takes no new orders; its services keep being charged', async () => {
    await must(parent.token, 'PATCH', `/api/v1/wholesale-offers/${offer.id}`, { active: false });
    const res = await req(reseller.token, 'POST', '/api/v1/orders', { clientId: resellerClient, items: [{ productId: adopted.id, cycle: 'monthly' }] });
    assert.deepEqual([res.status, res.body.error], [409, 'Reseller Web is no longer offered by the wholesale provider']);
    assert.deepEqual(await must(reseller.token, 'GET', '/api/v1/wholesale/catalogue'), []);

    // The agent confirms the first account (the test server has no real agent): the service runs.
    await server.knex('services').where({ id: firstService }).update({ status: 'active' });
    const end = nextDueDate(today, 'monthly', Number(today.slice(8, 10)));
    const end2 = nextDueDate(end, 'monthly', Number(today.slice(8, 10)));
    // The reseller's renewal run issues its client's invoice for the next period: the parent charges it.
    await must(reseller.token, 'POST', '/api/v1/billing/runs', { date: end, force: true }, 200);
    const renewal = await server.knex('wholesale_charges').where({ reseller_service_id: firstService }).orderBy('period_start').select('period_start', 'period_end', 'unit_amount');
    assert.deepEqual(renewal.map((r) => [isoDateOf(r.period_start), isoDateOf(r.period_end), Number(r.unit_amount)]), [[today, end, 700], [end, end2, 700]]);
    // The parent's tax rules apply to what it invoices its reseller.
    await must(parent.token, 'POST', '/api/v1/tax-rules', { name: 'Sales tax', country: 'US', rate: '10' });
    await must(parent.token, 'POST', '/api/v1/billing/runs', { date: end, force: true }, 200);
    const client = await server.knex('clients').where({ tenant_id: parent.tenant.id, reseller_tenant_id: reseller.tenant.id }).first('id');
    const invoices = await must<Array<{ id: string }>>(parent.token, 'GET', `/api/v1/invoices?clientId=${client.id}`);
    const second = await must(parent.token, 'GET', `/api/v1/invoices/${invoices.find((i) => i.id !== wholesaleInvoice.id)!.id}`);
    assert.deepEqual([second.subtotal, second.tax, second.total], [700, 70, 770]);
    assert.deepEqual(second.items.map((i: Record<string, unknown>) => [i.periodStart, i.periodEnd, i.total]), [[end, end2, 770]]);
  });

  it('charges too large for one invoice are invoiced one by one; the run goes on', async () => {
    await must(parent.token, 'PATCH', `/api/v1/wholesale-offers/${offer.id}`, { active: true, prices: { monthly: MAX_AMOUNT } });
    const placed = await must(reseller.token, 'POST', '/api/v1/orders', { clientId: resellerClient, items: [
      { productId: adopted.id, cycle: 'monthly', quantity: 600, domain: 'big1.customer.test' }, { productId: adopted.id, cycle: 'monthly', quantity: 600, domain: 'big2.customer.test' },
    ] });
    await must(reseller.token, 'POST', `/api/v1/invoices/${placed.invoice.id}/payments`, { amount: placed.invoice.total, gateway: 'bank', transactionId: 'ws-big' });
    const run = await must(parent.token, 'POST', '/api/v1/billing/runs', { date: today }, 200);
    assert.equal(run.invoicesCreated, 2, 'together beyond an invoice\'s bound: one invoice each');
    const billed = await server.knex('wholesale_charges').whereIn('reseller_service_id', placed.services.map((x: { id: string }) => x.id)).join('invoices', 'invoices.id', 'wholesale_charges.invoice_id').select('invoices.subtotal', 'invoices.total');
    assert.deepEqual(billed.map((r) => [Number(r.subtotal), Number(r.total)]), [[600 * MAX_AMOUNT, 660 * MAX_AMOUNT], [600 * MAX_AMOUNT, 660 * MAX_AMOUNT]]);
  });
});
