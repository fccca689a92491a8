import assert from 'node:assert/strict';
import type { TestServer } from '../../../core/src/testing/test-server.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, superAdminToken } from '../../../core/src/testing/auth.ts';
import { startBillingServer } from './support/api-server.ts';

/** `/api/v1/product-groups`: CRUD, hidden groups, 409 while products remain, groups never cross tenants. */
describe('billing: product groups over HTTP', function () {
  this.timeout(180_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let admin: string;
  let other: string;
  let portal: string;
  const req = (method: string, path: string, token: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const product = (token: string, extra: Record<string, unknown> = {}) =>
    req('POST', '/api/v1/products', token, { name: 'Hosting', type: 'hosting', pricing: [{ currency: 'EUR', cycle: 'monthly', amount: 500 }], ...extra });

  before(async () => {
    ({ server, close } = await startBillingServer());
    admin = await superAdminToken(server);
    other = (await createTenantWithAdmin(server)).token;
    const client = (await req('POST', '/api/v1/clients', admin, { email: 'groups@client.test', firstName: 'G', lastName: 'R', country: 'NL', currency: 'EUR' })).body.data;
    portal = (await createUser(server, admin, ['client'], { clientId: client.id })).token;
  });
  after(async () => { await close?.(); });

  it('creates, lists in sort order, reads, updates and deletes a group', async () => {
    const created = await req('POST', '/api/v1/product-groups', admin, { name: 'VPS', description: 'Virtual servers', sortOrder: 2 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.data.name, created.body.data.description, created.body.data.sortOrder, created.body.data.hidden], ['VPS', 'Virtual servers', 2, false]);
    const first = (await req('POST', '/api/v1/product-groups', admin, { name: 'Shared hosting', sortOrder: 1 })).body.data;
    const listed = await req('GET', '/api/v1/product-groups', admin);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.data.map((g: { id: string }) => g.id), [first.id, created.body.data.id]);
    assert.deepEqual(listed.body.meta, { total: 2, page: 1, perPage: listed.body.meta.perPage });

    const patched = await req('PATCH', `/api/v1/product-groups/${first.id}`, admin, { name: 'Web hosting', sortOrder: 3, description: null });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual([patched.body.data.name, patched.body.data.sortOrder], ['Web hosting', 3]);
    assert.equal((await req('GET', `/api/v1/product-groups/${first.id}`, admin)).body.data.name, 'Web hosting');
    assert.equal((await req('PATCH', `/api/v1/product-groups/${first.id}`, admin, { color: 'red' })).status, 400, 'unknown fields are refused');

    const deleted = await req('DELETE', `/api/v1/product-groups/${first.id}`, admin);
    assert.equal(deleted.status, 200);
    assert.equal((await req('GET', `/api/v1/product-groups/${first.id}`, admin)).status, 404);
    assert.equal((await server.knex('product_groups').where('id', first.id)).length, 0);
  });

  it('a group holding products cannot be deleted (409, nothing changes); empty again, it can', async () => {
    const group = (await req('POST', '/api/v1/product-groups', admin, { name: 'Domains' })).body.data;
    const p = await product(admin, { groupId: group.id });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.equal(p.body.data.groupId, group.id);
    const refused = await req('DELETE', `/api/v1/product-groups/${group.id}`, admin);
    assert.equal(refused.status, 409);
    assert.equal((await req('GET', `/api/v1/product-groups/${group.id}`, admin)).status, 200);
    assert.equal((await req('GET', `/api/v1/products/${p.body.data.id}`, admin)).body.data.groupId, group.id, 'the product keeps its group');
    assert.equal((await req('PATCH', `/api/v1/products/${p.body.data.id}`, admin, { groupId: null })).body.data.groupId, null);
    assert.equal((await req('DELETE', `/api/v1/product-groups/${group.id}`, admin)).status, 200);
  });

  it('hidden groups are not shown to clients; clients cannot write groups', async () => {
    const hidden = (await req('POST', '/api/v1/product-groups', admin, { name: 'Internal', hidden: true })).body.data;
    const shown = (await req('POST', '/api/v1/product-groups', admin, { name: 'Public' })).body.data;
    const seen = (await req('GET', '/api/v1/product-groups', portal)).body.data.map((g: { id: string }) => g.id);
    assert.ok(seen.includes(shown.id));
    assert.ok(!seen.includes(hidden.id));
    assert.equal((await req('GET', `/api/v1/product-groups/${hidden.id}`, portal)).status, 404);
    assert.equal((await req('GET', `/api/v1/product-groups/${hidden.id}`, admin)).status, 200);
    assert.equal((await req('POST', '/api/v1/product-groups', portal, { name: 'Mine' })).status, 403);
    assert.equal((await req('PATCH', `/api/v1/product-groups/${shown.id}`, portal, { name: 'Mine' })).status, 403);
    assert.equal((await req('DELETE', `/api/v1/product-groups/${shown.id}`, portal)).status, 403);
  });

  it('another tenant: 404 on every group route, and its products cannot be linked to our group', async () => {
    const group = (await req('POST', '/api/v1/product-groups', admin, { name: 'Ours' })).body.data;
    assert.equal((await req('GET', `/api/v1/product-groups/${group.id}`, other)).status, 404);
    assert.equal((await req('PATCH', `/api/v1/product-groups/${group.id}`, other, { name: 'Theirs' })).status, 404);
    assert.equal((await req('DELETE', `/api/v1/product-groups/${group.id}`, other)).status, 404);
    assert.ok(!JSON.stringify((await req('GET', '/api/v1/product-groups', other)).body).includes(group.id));
    assert.equal((await req('GET', `/api/v1/product-groups/${group.id}`, admin)).body.data.name, 'Ours', 'unchanged');

    const foreign = await product(other, { groupId: group.id });
    assert.equal(foreign.status, 400, JSON.stringify(foreign.body));
    assert.ok(foreign.body.details.groupId);
    const theirs = (await product(other)).body.data;
    const linked = await req('PATCH', `/api/v1/products/${theirs.id}`, other, { groupId: group.id });
    assert.equal(linked.status, 400);
    const [row] = await server.knex('products').where('id', theirs.id).select('group_id');
    assert.equal(row.group_id, null, 'never linked');
    assert.equal(await server.knex('products').where('group_id', group.id).count({ n: '*' }).then((r) => Number(r[0]!.n)), 0);
  });

  it('the database itself refuses a cross-tenant link (composite key)', async () => {
    const group = (await req('POST', '/api/v1/product-groups', admin, { name: 'Guarded' })).body.data;
    const theirs = (await product(other)).body.data;
    await assert.rejects(server.knex('products').where('id', theirs.id).update({ group_id: group.id }), /foreign key/i);
  });
});
