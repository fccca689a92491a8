import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** `GET/PATCH/DELETE /api/v1/coupons/:id` and `/api/v1/tax-rules/:id`. */
describe('billing: coupon and tax rule CRUD over HTTP', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let other: string;
  let support: string;
  let client: { id: string };
  let product: { id: string };
  const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const coupon = async (body: Record<string, unknown>) => {
    const res = await req('POST', '/api/v1/coupons', admin, body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.data as { id: string; code: string };
  };
  const order = (couponCode: string) => req('POST', '/api/v1/orders', admin, { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly' }], couponCode });

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    other = (await createTenantWithAdmin(server)).token;
    support = (await createUser(server, admin, ['support'])).token;
    product = (await req('POST', '/api/v1/products', admin, { name: 'Hosting', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 1000 }] })).body.data;
    client = (await req('POST', '/api/v1/clients', admin, { email: 'coupons@client.test', firstName: 'C', lastName: 'P', country: 'US', currency: 'EUR' })).body.data;
  });
  after(async () => { await close?.(); });

  it('reads and changes an unredeemed coupon, then deletes it', async () => {
    const c = await coupon({ code: 'SPRING', type: 'percent', value: 1000 });
    const got = await req('GET', `/api/v1/coupons/${c.id}`, admin);
    assert.equal(got.status, 200);
    assert.deepEqual([got.body.data.code, got.body.data.value, got.body.data.disabled], ['SPRING', 1000, false]);
    const patched = await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { code: 'SPRING2', type: 'fixed', value: 250, currency: 'EUR', maxUses: 5 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual([patched.body.data.code, patched.body.data.type, patched.body.data.value, patched.body.data.currency, patched.body.data.maxUses], ['SPRING2', 'fixed', 250, 'EUR', 5]);
    assert.equal((await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { type: 'fixed', currency: null })).status, 400, 'a fixed coupon keeps a currency');
    assert.equal((await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { type: 'percent', value: 20_000 })).status, 400);
    assert.equal((await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { validFrom: '2030-02-01', expiresAt: '2030-01-01' })).status, 400);
    assert.equal((await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { owner: 'x' })).status, 400);
    await coupon({ code: 'TAKEN', type: 'percent', value: 10 });
    assert.equal((await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { code: 'taken' })).status, 409);
    assert.equal((await req('DELETE', `/api/v1/coupons/${c.id}`, admin)).status, 200);
    assert.equal((await req('GET', `/api/v1/coupons/${c.id}`, admin)).status, 404);
  });

  it('a redeemed coupon cannot be deleted or re-termed (409), but can be disabled and expired', async () => {
    const c = await coupon({ code: 'LAUNCH', type: 'percent', value: 5000 });
    const placed = await order('LAUNCH');
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal((await req('DELETE', `/api/v1/coupons/${c.id}`, admin)).status, 409);
    assert.equal((await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { value: 9000 })).status, 409);
    const before = (await req('GET', `/api/v1/coupons/${c.id}`, admin)).body.data;
    assert.deepEqual([before.value, before.usesCount], [5000, 1], 'nothing changed');

    const disabled = await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { disabled: true });
    assert.equal(disabled.body.data.disabled, true);
    const refused = await order('LAUNCH');
    assert.equal(refused.status, 400);
    assert.match(refused.body.details.couponCode, /disabled/);
    assert.equal((await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { disabled: false })).status, 200);
    assert.equal((await order('LAUNCH')).status, 201, 'enabled again');

    const expired = await req('PATCH', `/api/v1/coupons/${c.id}`, admin, { expiresAt: '2020-01-01' });
    assert.equal(expired.body.data.expiresAt, '2020-01-01');
    assert.match((await order('LAUNCH')).body.details.couponCode, /expired/);
  });

  it('reads, changes and deletes a tax rule, checking the rule as it will be', async () => {
    const created = await req('POST', '/api/v1/tax-rules', admin, { name: 'GST', country: 'CA', rate: '5', level: 1 });
    assert.equal(created.status, 201);
    const id = created.body.data.id;
    assert.deepEqual(((await req('GET', `/api/v1/tax-rules/${id}`, admin)).body.data as { rate: string }).rate, created.body.data.rate);
    const patched = await req('PATCH', `/api/v1/tax-rules/${id}`, admin, { rate: '9.975', level: 2, compound: true, state: 'QC' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual([patched.body.data.ratePpm, patched.body.data.level, patched.body.data.compound, patched.body.data.state], [99_750, 2, true, 'QC']);
    assert.equal((await req('PATCH', `/api/v1/tax-rules/${id}`, admin, { level: 1 })).status, 400, 'a compound rule stays at level 2');
    assert.equal((await req('PATCH', `/api/v1/tax-rules/${id}`, admin, { rate: '101' })).status, 400);
    assert.equal((await req('PATCH', `/api/v1/tax-rules/${id}`, admin, { validFrom: '2030-01-02', validTo: '2030-01-01' })).status, 400);
    assert.equal((await req('GET', `/api/v1/tax-rules/${id}`, admin)).body.data.ratePpm, 99_750, 'refused patches changed nothing');
    assert.equal((await req('DELETE', `/api/v1/tax-rules/${id}`, admin)).status, 200);
    assert.equal((await req('GET', `/api/v1/tax-rules/${id}`, admin)).status, 404);
  });

  it('permissions, and another tenant gets 404 on every id route', async () => {
    const c = await coupon({ code: 'PRIVATE', type: 'percent', value: 100 });
    const rule = (await req('POST', '/api/v1/tax-rules', admin, { name: 'VAT', country: 'NL', rate: 21 })).body.data;
    for (const path of [`/api/v1/coupons/${c.id}`, `/api/v1/tax-rules/${rule.id}`]) {
      assert.equal((await req('GET', path, support)).status, 403);
      assert.equal((await req('GET', path, other)).status, 404);
      assert.equal((await req('PATCH', path, other, path.includes('coupons') ? { code: 'HIJACK' } : { name: 'x' })).status, 404);
      assert.equal((await req('DELETE', path, other)).status, 404);
    }
    assert.equal((await req('GET', `/api/v1/coupons/${c.id}`, admin)).body.data.code, 'PRIVATE');
    assert.equal((await req('GET', `/api/v1/tax-rules/${rule.id}`, admin)).body.data.name, 'VAT');
  });
});
