import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { loginAs, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** `POST /api/v1/clients` with a password: the client gets a portal login through core's `identity.portal-users`. */
describe('client portal logins (identity.portal-users)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let product: { id: string };
  const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const newClient = (email: string, extra: Record<string, unknown> = {}) => req('POST', '/api/v1/clients', admin, { email, firstName: 'Grace', lastName: 'Hopper', country: 'US', currency: 'USD', ...extra });

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    const p = await req('POST', '/api/v1/products', admin, { name: 'Web Hosting', type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 1000 }] });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    product = p.body.data;
  });
  after(async () => { await close?.(); });

  it('refuses a weak password with 400 and creates neither the client nor a user', async () => {
    const res = await newClient('weak@client.test', { password: 'password123' });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(JSON.stringify(res.body), /password/);
    assert.equal(await server.knex('clients').where({ email: 'weak@client.test' }).first(), undefined);
    assert.equal(await server.knex('users').where({ email: 'weak@client.test' }).first(), undefined);
  });

  it('creates a client user that logs in and sees only its own invoices', async () => {
    const res = await newClient('grace@client.test', { password: 'a-long-and-unusual-passphrase' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const client = res.body.data as { id: string; portalUserId: string };
    const user = await server.knex('users').where({ email: 'grace@client.test' }).first();
    assert.equal(user.id, client.portalUserId);
    assert.equal(user.client_id, client.id);
    const roles = await server.knex('user_roles as ur').join('roles as r', 'r.id', 'ur.role_id').where('ur.user_id', user.id).pluck('r.name');
    assert.deepEqual(roles, ['client']);

    const other = await newClient('other@client.test');
    assert.equal(other.status, 201);
    const mine = await req('POST', '/api/v1/orders', admin, { clientId: client.id, items: [{ productId: product.id, cycle: 'monthly' }] });
    const theirs = await req('POST', '/api/v1/orders', admin, { clientId: other.body.data.id, items: [{ productId: product.id, cycle: 'monthly' }] });
    assert.equal(mine.status, 201, JSON.stringify(mine.body));
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));

    const session = await loginAs(server, 'grace@client.test', 'a-long-and-unusual-passphrase');
    const list = await req('GET', '/api/v1/invoices', session.accessToken);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(list.body.data.map((i: { id: string }) => i.id), [mine.body.data.invoice.id]);
    assert.equal(list.body.meta.total, 1);
    assert.equal((await req('GET', `/api/v1/invoices/${theirs.body.data.invoice.id}`, session.accessToken)).status, 404);
  });

  it('answers 409 when the email already has a login', async () => {
    const res = await newClient('admin@example.test', { password: 'a-long-and-unusual-passphrase' });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(await server.knex('clients').where({ email: 'admin@example.test' }).first(), undefined);
  });
});
