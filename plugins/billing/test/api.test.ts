import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';
import { io as connect } from 'socket.io-client';

describe('billing over HTTP', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let product: { id: string };
  let clientA: { id: string };
  let clientB: { id: string };
  let tokenA: string;
  let tokenB: string;
  const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    const p = await req('POST', '/api/v1/products', admin, {
      name: 'Web Hosting', type: 'hosting', taxable: true, provisioning: { module: 'cpanel', config: { package: 'basic' } },
      pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000, setupFee: 500 }, { currency: 'USD', cycle: 'annually', amount: 10_000 }],
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    product = p.body.data;
    const mk = async (email: string) => {
      const res = await req('POST', '/api/v1/clients', admin, { email, firstName: 'Ada', lastName: 'Lovelace', country: 'US', currency: 'USD', address: { line1: '1 Main St' } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.data;
    };
    clientA = await mk('a@client.test');
    clientB = await mk('b@client.test');
    tokenA = (await createUser(server, admin, ['client'], { clientId: clientA.id })).token;
    tokenB = (await createUser(server, admin, ['client'], { clientId: clientB.id })).token;
  });
  after(async () => { await close?.(); });

  it('is active and lists its routes in the OpenAPI document', async () => {
    const health = await server.request('GET', '/api/health');
    const billing = health.body.plugins.find((p: { id: string }) => p.id === 'billing');
    assert.equal(billing?.status, 'active', JSON.stringify(health.body.plugins));
    const doc = await req('GET', '/api/v1/openapi.json', admin);
    const paths = Object.keys((doc.body.data ?? doc.body).paths ?? {});
    for (const p of ['/api/v1/clients', '/api/v1/invoices/{id}/payments', '/api/v1/services/{id}/upgrade', '/api/v1/billing/runs']) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
  });

  it('clients: create, validate, duplicate email, read, update, list, delete', async () => {
    const bad = await req('POST', '/api/v1/clients', admin, { email: 'x@y.test', firstName: 'X', lastName: 'Y', country: 'usa' });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.details.country);
    const dup = await req('POST', '/api/v1/clients', admin, { email: 'A@client.test', firstName: 'X', lastName: 'Y', country: 'US' });
    assert.equal(dup.status, 409);
    const got = await req('GET', `/api/v1/clients/${clientA.id}`, admin);
    assert.deepEqual([got.status, got.body.data.email, got.body.data.creditBalance], [200, 'a@client.test', 0]);
    const patched = await req('PATCH', `/api/v1/clients/${clientA.id}`, admin, { companyName: 'Analytical Engines Ltd' });
    assert.equal(patched.body.data.companyName, 'Analytical Engines Ltd');
    const listed = await req('GET', '/api/v1/clients?perPage=1', admin);
    assert.deepEqual([listed.body.meta.perPage, listed.body.meta.total >= 2, listed.body.data.length], [1, true, 1]);
    const temp = await req('POST', '/api/v1/clients', admin, { email: 'temp@client.test', firstName: 'T', lastName: 'T', country: 'DE', currency: 'EUR' });
    assert.equal((await req('DELETE', `/api/v1/clients/${temp.body.data.id}`, admin)).status, 200);
    assert.equal((await req('GET', `/api/v1/clients/${temp.body.data.id}`, admin)).status, 404);
  });

  it('orders → invoice → staff payment (409 on a repeat) → paid, services active; refunds; PDF', async () => {
    const placed = await req('POST', '/api/v1/orders', admin, { clientId: clientA.id, items: [{ productId: product.id, cycle: 'monthly', domain: 'ada.test' }] });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const { order, invoice, services } = placed.body.data;
    assert.deepEqual([order.status, invoice.status, invoice.total, services[0].status], ['pending', 'unpaid', 1500, 'pending']);
    assert.match(invoice.number, /^INV-\d{4}-\d{5}$/);

    const pay = { amount: 1500, gateway: 'manual', transactionId: 'WIRE-1' };
    const paid = await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, pay);
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    assert.deepEqual([paid.body.data.status, paid.body.data.amountDue, paid.body.data.payments.length], ['paid', 0, 1]);
    const again = await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, pay);
    assert.equal(again.status, 409);
    assert.equal((await req('GET', `/api/v1/invoices/${invoice.id}`, admin)).body.data.payments.length, 1);
    const svc = await req('GET', `/api/v1/services/${services[0].id}`, admin);
    assert.equal(svc.body.data.status, 'active');
    const events = (await server.knex('outbox_events').whereIn('name', ['invoice.paid', 'service.activated', 'order.created']).pluck('name')) as string[];
    for (const name of ['invoice.paid', 'service.activated', 'order.created']) assert.ok(events.includes(name), name);

    const refund = await req('POST', `/api/v1/invoices/${invoice.id}/refunds`, admin, { amount: 500, reason: 'goodwill' });
    assert.deepEqual([refund.status, refund.body.data.amountPaid], [201, 1000]);
    const tooMuch = await req('POST', `/api/v1/invoices/${invoice.id}/refunds`, admin, { amount: 5000 });
    assert.equal(tooMuch.status, 400);

    const pdf = await server.request('GET', `/api/v1/invoices/${invoice.id}/pdf`, { token: admin });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.ok(String(pdf.body).startsWith('%PDF-'));
  });

  it('a client user sees and acts only on its own account', async () => {
    const own = await req('POST', '/api/v1/orders', tokenA, { items: [{ productId: product.id, cycle: 'monthly' }] });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    assert.equal(own.body.data.order.clientId, clientA.id);
    const theirs = await req('POST', '/api/v1/orders', tokenB, { items: [{ productId: product.id, cycle: 'annually' }] });
    assert.equal(theirs.status, 201);
    const bInvoice = theirs.body.data.invoice.id;
    const bService = theirs.body.data.services[0].id;

    assert.equal((await req('GET', `/api/v1/invoices/${bInvoice}`, tokenA)).status, 404);
    assert.equal((await req('GET', `/api/v1/invoices/${bInvoice}/pdf`, tokenA)).status, 404);
    assert.equal((await req('GET', `/api/v1/services/${bService}`, tokenA)).status, 404);
    assert.equal((await req('GET', `/api/v1/clients/${clientB.id}`, tokenA)).status, 404);
    assert.equal((await req('GET', `/api/v1/orders/${theirs.body.data.order.id}`, tokenA)).status, 404);
    assert.equal((await req('POST', '/api/v1/orders', tokenA, { clientId: clientB.id, items: [{ productId: product.id, cycle: 'monthly' }] })).status, 404);
    assert.equal((await req('POST', `/api/v1/services/${bService}/cancel`, tokenA, { type: 'immediate' })).status, 404);
    for (const path of ['/api/v1/invoices', '/api/v1/services', '/api/v1/orders', '/api/v1/clients']) {
      const res = await req('GET', path, tokenA);
      assert.equal(res.status, 200, path);
      assert.ok(res.body.data.length > 0, path);
      for (const row of res.body.data) assert.equal(row.clientId ?? row.id, clientA.id, path);
    }
    // staff-only actions
    assert.equal((await req('POST', `/api/v1/invoices/${own.body.data.invoice.id}/payments`, tokenA, { amount: 1, gateway: 'manual', transactionId: 'x' })).status, 403);
    assert.equal((await req('POST', `/api/v1/services/${own.body.data.services[0].id}/suspend`, tokenA, {})).status, 403);
    assert.equal((await req('POST', '/api/v1/billing/runs', tokenA, {})).status, 403);
    assert.equal((await req('GET', '/api/v1/coupons', tokenA)).status, 403);
  });

  it('another tenant sees none of it', async () => {
    const other = await createTenantWithAdmin(server);
    const mine = await req('GET', '/api/v1/invoices', admin);
    const id = mine.body.data[0].id;
    assert.equal((await req('GET', `/api/v1/invoices/${id}`, other.token)).status, 404);
    assert.equal((await req('GET', `/api/v1/clients/${clientA.id}`, other.token)).status, 404);
    assert.equal((await req('GET', '/api/v1/invoices', other.token)).body.meta.total, 0);
    assert.equal((await req('GET', `/api/v1/products/${product.id}`, other.token)).status, 404);
  });

  it('services: suspend, unsuspend, upgrade with proration, terminate', async () => {
    const big = await req('POST', '/api/v1/products', admin, { name: 'Big', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 4000 }] });
    const placed = await req('POST', '/api/v1/orders', admin, { clientId: clientB.id, items: [{ productId: product.id, cycle: 'monthly' }] });
    const { invoice, services } = placed.body.data;
    await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, { amount: invoice.total, gateway: 'manual', transactionId: `svc-${invoice.id}` });
    const id = services[0].id;
    assert.equal((await req('POST', `/api/v1/services/${id}/suspend`, admin, { reason: 'abuse' })).body.data.status, 'suspended');
    assert.equal((await req('POST', `/api/v1/services/${id}/suspend`, admin, {})).status, 409);
    assert.equal((await req('POST', `/api/v1/services/${id}/unsuspend`, admin)).body.data.status, 'active');
    const up = await req('POST', `/api/v1/services/${id}/upgrade`, admin, { productId: big.body.data.id, cycle: 'monthly' });
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.deepEqual([up.body.data.pending, up.body.data.service.amount], [true, 1000], 'the new plan waits for its invoice');
    assert.equal(up.body.data.proration.amountDue, 3000, 'upgrade on the first day: the whole difference');
    const upInvoice = await req('GET', `/api/v1/invoices/${up.body.data.invoiceId}`, admin);
    assert.deepEqual([upInvoice.body.data.total, upInvoice.body.data.items[0].kind], [3000, 'upgrade']);
    await req('POST', `/api/v1/invoices/${upInvoice.body.data.id}/payments`, admin, { amount: 3000, gateway: 'manual', transactionId: `up-${id}` });
    assert.equal((await req('GET', `/api/v1/services/${id}`, admin)).body.data.amount, 4000);
    assert.equal((await req('POST', `/api/v1/services/${id}/terminate`, admin)).body.data.status, 'terminated');
    assert.equal((await req('POST', `/api/v1/services/${id}/terminate`, admin)).status, 409);
  });

  it('coupons and tax rules', async () => {
    const c = await req('POST', '/api/v1/coupons', admin, { code: 'WELCOME', type: 'percent', value: 1000, recurring: false });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal((await req('POST', '/api/v1/coupons', admin, { code: 'welcome', type: 'percent', value: 5 })).status, 409);
    assert.equal((await req('POST', '/api/v1/coupons', admin, { code: 'FIX', type: 'fixed', value: 5 })).status, 400, 'fixed needs a currency');
    assert.equal((await req('GET', '/api/v1/coupons', admin)).body.meta.total, 1);
    const rule = await req('POST', '/api/v1/tax-rules', admin, { name: 'NY sales tax', country: 'US', state: 'NY', rate: '8.875' });
    assert.deepEqual([rule.status, rule.body.data.ratePpm, rule.body.data.rate], [201, 88_750, '8.875']);
    assert.equal((await req('POST', '/api/v1/tax-rules', admin, { name: 'bad', rate: '8.87501' })).status, 400);
    assert.equal((await req('GET', '/api/v1/tax-rules?country=US', admin)).body.data.length, 1);
    const ny = await req('POST', '/api/v1/clients', admin, { email: 'ny@client.test', firstName: 'N', lastName: 'Y', country: 'US', state: 'NY' });
    const placed = await req('POST', '/api/v1/orders', admin, { clientId: ny.body.data.id, couponCode: 'WELCOME', items: [{ productId: product.id, cycle: 'monthly' }] });
    const inv = placed.body.data.invoice;
    // 1000 − 10% = 900 → tax 79.875 → 80; setup 500 → 44.375 → 44
    assert.deepEqual([inv.subtotal, inv.tax, inv.total], [1400, 124, 1524]);
  });

  it('billing runs: the same date twice creates nothing new; progress reaches the caller over realtime', async () => {
    const date = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const socket = connect(server.url, { auth: { token: admin }, transports: ['websocket'], reconnection: false });
    const progress: Array<{ date: string; step: string; counts: { invoicesCreated: number } }> = [];
    socket.on('billing:run-progress', (p: (typeof progress)[number]) => progress.push(p));
    await new Promise<void>((resolve, reject) => socket.on('connect', resolve).on('connect_error', reject));
    const first = await req('POST', '/api/v1/billing/runs', admin, { date, force: true });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    for (let i = 0; i < 50 && progress.at(-1)?.step !== 'done'; i++) await new Promise((r) => setTimeout(r, 20));
    socket.disconnect();
    assert.deepEqual(progress.map((p) => p.step).slice(-2), ['dunning', 'done']);
    assert.ok(progress.every((p) => p.date === date));
    assert.equal(progress.at(-1)!.counts.invoicesCreated, first.body.data.invoicesCreated);
    assert.ok(first.body.data.invoicesCreated >= 1);
    for (const key of ['invoicesCreated', 'remindersSent', 'suspended', 'terminated']) assert.equal(typeof first.body.data[key], 'number');
    const second = await req('POST', '/api/v1/billing/runs', admin, { date, force: true });
    assert.deepEqual([second.body.data.invoicesCreated, second.body.data.remindersSent, second.body.data.suspended], [0, 0, 0]);
  });

  it('staff get a toast when an invoice is paid; a client\'s portal does not', async () => {
    const open = async (token: string) => {
      const socket = connect(server.url, { auth: { token }, transports: ['websocket'], reconnection: false });
      const got: Array<{ summary: string; detail?: string }> = [];
      socket.on('notification', (n: (typeof got)[number]) => got.push(n));
      await new Promise<void>((resolve, reject) => socket.on('connect', resolve).on('connect_error', reject));
      return { socket, got };
    };
    const staff = await open(admin);
    const client = await open(tokenA);
    try {
      const placed = await req('POST', '/api/v1/orders', admin, { clientId: clientA.id, items: [{ productId: product.id, cycle: 'annually' }] });
      const invoice = placed.body.data.invoice;
      const paid = await req('POST', `/api/v1/invoices/${invoice.id}/payments`, admin, { amount: invoice.total, gateway: 'manual', transactionId: 'TOAST-1' });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      for (let i = 0; i < 100 && !staff.got.length; i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(staff.got, [{ severity: 'success', summary: `Invoice ${invoice.number} paid`, detail: `$${(invoice.total / 100).toFixed(2)}` }]);
      await new Promise((r) => setTimeout(r, 200)); // the same emit would have reached the client by now
      assert.deepEqual(client.got, []);
    } finally {
      staff.socket.disconnect();
      client.socket.disconnect();
    }
  });

  it('products: staff see hidden ones, clients only what is on sale; gateways are listed', async () => {
    const hidden = await req('POST', '/api/v1/products', admin, { name: 'Secret', type: 'other', hidden: true, pricing: [{ currency: 'USD', cycle: 'onetime', amount: 100 }] });
    assert.equal((await req('GET', `/api/v1/products/${hidden.body.data.id}`, admin)).status, 200);
    assert.equal((await req('GET', `/api/v1/products/${hidden.body.data.id}`, tokenA)).status, 404);
    const patched = await req('PATCH', `/api/v1/products/${hidden.body.data.id}`, admin, { hidden: false });
    assert.equal(patched.body.data.hidden, false);
    assert.equal((await req('GET', `/api/v1/products/${hidden.body.data.id}`, tokenA)).status, 200);
    const gateways = await req('GET', '/api/v1/billing/gateways', tokenA);
    assert.equal(gateways.status, 200);
    assert.ok(Array.isArray(gateways.body.data));
  });
});
