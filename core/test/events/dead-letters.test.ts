import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, superAdminToken, type TenantWithAdmin } from '../../src/testing/auth.ts';

/** A dead delivery of an event of `tenantId` (null: a platform event); answers the delivery id. */
async function deadLetter(server: TestServer, tenantId: string | null, name: string): Promise<string> {
  const [event] = (await server.knex('outbox_events').insert({ tenant_id: tenantId, name, source: 'core', payload: { secret: name }, dispatched_at: new Date() }).returning('id')) as Array<{ id: string }>;
  const [dead] = (await server.knex('event_deliveries').insert({ tenant_id: tenantId, event_id: event!.id, subscriber: 'test:probe', status: 'dead', attempts: 8 }).returning('id')) as Array<{ id: string }>;
  return dead!.id;
}

describe('dead letters: a tenant sees and retries only its own', () => {
  let server: TestServer;
  let root: string;
  let b: TenantWithAdmin;
  let platformLetter: string;
  let bLetter: string;
  before(async () => {
    server = await startTestServer();
    root = await superAdminToken(server);
    b = await createTenantWithAdmin(server, { slug: 'dead-b' });
    platformLetter = await deadLetter(server, null, 'platform.secret');
    bLetter = await deadLetter(server, b.tenant.id, 'b.own');
  });
  after(() => server?.close());

  const list = (headers: Record<string, string> = {}) => server.request('GET', '/api/v1/events/dead-letters', { token: root, headers });

  it('acting as tenant B, the platform\'s dead letters (and their payloads) are not listed', async () => {
    const asB = await list({ 'x-tenant-id': b.tenant.id });
    assert.equal(asB.status, 200, JSON.stringify(asB.body));
    assert.deepEqual(asB.body.data.map((d: { id: string }) => d.id), [bLetter]);
    assert.equal(asB.body.meta.total, 1);
  });

  it('the platform tenant sees the platform\'s dead letters, not B\'s', async () => {
    const own = await list();
    assert.equal(own.status, 200);
    assert.deepEqual(own.body.data.map((d: { id: string }) => d.id), [platformLetter]);
  });

  it('acting as tenant B, retrying a platform dead letter is a 404 and changes nothing', async () => {
    const res = await server.request('POST', `/api/v1/events/dead-letters/${platformLetter}/retry`, { token: root, headers: { 'x-tenant-id': b.tenant.id } });
    assert.equal(res.status, 404, JSON.stringify(res.body));
    assert.equal((await server.knex('event_deliveries').where({ id: platformLetter }).first()).status, 'dead');
    const mine = await server.request('POST', `/api/v1/events/dead-letters/${bLetter}/retry`, { token: root, headers: { 'x-tenant-id': b.tenant.id } });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
  });
});
