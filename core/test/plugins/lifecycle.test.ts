import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { superAdminToken } from '../../src/testing/auth.ts';
import { waitFor } from './wait.ts';

const BASIC = fileURLToPath(new URL('../fixtures/plugins/basic', import.meta.url));
const order = ((globalThis as { __fixtureOrder?: string[] }).__fixtureOrder ??= []);

describe('plugin lifecycle (fixture plugins)', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    order.length = 0;
    server = await startTestServer({ plugins: { directories: [BASIC], timeouts: { boot: 300 } } });
    token = await superAdminToken(server);
  });
  after(() => server?.close());

  it('registers dependencies first, whatever the folder order', () => {
    assert.deepEqual(order.filter((id) => id === 'alpha' || id === 'beta'), ['alpha', 'beta']);
  });

  it('isolates failing plugins: health lists them failed or skipped with their error', async () => {
    const res = await server.request('GET', '/api/health');
    assert.equal(res.status, 200);
    const byId = Object.fromEntries((res.body.plugins as Array<{ id: string; status: string; error?: string }>).map((p) => [p.id, p]));
    assert.equal(byId.alpha?.status, 'active');
    assert.equal(byId.beta?.status, 'active');
    assert.equal(byId['broken-register']?.status, 'failed');
    assert.match(byId['broken-register']!.error!, /boom in register/);
    assert.equal(byId['hangs-boot']?.status, 'failed');
    assert.match(byId['hangs-boot']!.error!, /boot timed out/);
    assert.equal(byId['needs-broken']?.status, 'skipped');
    assert.match(byId['needs-broken']!.error!, /broken-register/);
    assert.equal(byId.future?.status, 'failed');
    assert.match(byId.future!.error!, /requires mPanel \^99\.0\.0/);
  });

  it('still serves the healthy plugins and none of the failed ones', async () => {
    assert.equal((await server.request('GET', '/api/v1/alpha/ping', { token })).status, 200);
    for (const path of ['/api/v1/broken/ping', '/api/v1/needs-broken/ping', '/api/v1/hangs/ping']) {
      assert.equal((await server.request('GET', path)).status, 404, path);
    }
  });

  it('rejects route and permission conflicts, naming both plugins', async () => {
    const res = await server.request('GET', '/api/health');
    const byId = Object.fromEntries((res.body.plugins as Array<{ id: string; status: string; error?: string }>).map((p) => [p.id, p]));
    assert.equal(byId['conflict-route']?.status, 'failed');
    assert.match(byId['conflict-route']!.error!, /GET \/api\/v1\/alpha\/ping of "conflict-route" is already registered by "alpha"/);
    assert.equal(byId['conflict-perm']?.status, 'failed');
    assert.match(byId['conflict-perm']!.error!, /Permission "alpha.read" of "conflict-perm" is already registered by "alpha"/);
    const ping = await server.request('GET', '/api/v1/alpha/ping', { token });
    assert.equal(ping.body.data.pong, true);
  });

  it('lets a plugin resolve only declared services', async () => {
    const res = await server.request('GET', '/api/v1/beta/counter', { token });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.count, 42);
    assert.equal((globalThis as { __undeclared?: string }).__undeclared, 'Plugin "beta" resolved service "gamma.secret" without declaring it in requires.services');
  });

  it('lists plugins with their state through the API', async () => {
    const res = await server.request('GET', '/api/v1/plugins', { token });
    assert.equal(res.status, 200);
    const alpha = res.body.data.find((p: { id: string }) => p.id === 'alpha');
    assert.deepEqual([alpha.status, alpha.enabled, alpha.version], ['active', true, '1.2.0']);
    assert.equal(res.body.data.find((p: { id: string }) => p.id === 'broken-register').status, 'failed');
  });

  it('runs hooks in priority order: a veto answers 4xx and changes nothing', async () => {
    const vetoed = await server.request('POST', '/api/v1/alpha/items', { token, body: { name: 'forbidden' } });
    assert.equal(vetoed.status, 422);
    assert.deepEqual(vetoed.body, { error: 'That name is not allowed', details: { name: 'is forbidden' } });
    const rows = await server.knex('alpha_items').count({ n: '*' });
    assert.equal(Number(rows[0]!.n), 0);
    assert.equal(Number((await server.knex('outbox_events').count({ n: '*' }))[0]!.n), 0);

    const created = await server.request('POST', '/api/v1/alpha/items', { token, body: { name: '  widget ' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.name, 'widget');
  });

  it('delivers the event after commit to the subscriber, once', async () => {
    const created = await server.request('POST', '/api/v1/alpha/items', { token, body: { name: 'gadget' } });
    const eventId = created.body.data.eventId as string;
    const seen = await waitFor(async () => server.knex('beta_seen').where({ event_id: eventId }).first());
    assert.equal(seen.item_id, created.body.data.id);
    const delivery = await server.knex('event_deliveries').where({ event_id: eventId, subscriber: 'beta:alpha.saved' }).first();
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.attempts, 1);
  });

  it('keeps settings per tenant, secrets encrypted and never returned', async () => {
    const put = await server.request('PUT', '/api/v1/plugins/alpha/settings', { token, body: { greeting: 'hi', apiKey: 'sk_live_very_secret' } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.data, { values: { greeting: 'hi' }, secrets: { apiKey: true } });
    assert.ok(!JSON.stringify(put.body).includes('sk_live_very_secret'));
    const stored = await server.knex('plugin_settings').where({ plugin_id: 'alpha' }).first();
    assert.ok(!JSON.stringify(stored).includes('sk_live_very_secret'));
    // The plugin itself reads the secret in clear.
    const ping = await server.request('GET', '/api/v1/alpha/ping', { token });
    assert.deepEqual(ping.body.data.settings, { greeting: 'hi', apiKey: 'sk_live_very_secret' });
    const bad = await server.request('PUT', '/api/v1/plugins/alpha/settings', { token, body: { greeting: 5 } });
    assert.equal(bad.status, 400);
  });

  it('answers 404 on a plugin route for a tenant that disabled it, and skips its hooks there', async () => {
    assert.equal((await server.request('POST', '/api/v1/plugins/alpha/disable', { token })).status, 200);
    assert.equal((await server.request('GET', '/api/v1/alpha/ping', { token })).status, 404);
    const list = await server.request('GET', '/api/v1/plugins', { token });
    assert.equal(list.body.data.find((p: { id: string }) => p.id === 'alpha').status, 'disabled');
    assert.equal((await server.request('POST', '/api/v1/plugins/alpha/enable', { token })).status, 200);
    assert.equal((await server.request('GET', '/api/v1/alpha/ping', { token })).status, 200);

    // beta disabled: its veto hook does not run, so the name passes untrimmed.
    assert.equal((await server.request('POST', '/api/v1/plugins/beta/disable', { token })).status, 200);
    const res = await server.request('POST', '/api/v1/alpha/items', { token, body: { name: 'forbidden' } });
    assert.equal(res.status, 201);
    const eventId = res.body.data.eventId as string;
    const skipped = await waitFor(async () => server.knex('event_deliveries').where({ event_id: eventId, status: 'skipped' }).first());
    assert.equal(skipped.subscriber, 'beta:alpha.saved');
    assert.equal(await server.knex('beta_seen').where({ event_id: eventId }).first(), undefined);
    await server.request('POST', '/api/v1/plugins/beta/enable', { token });
  });

  it('requires permissions on the plugin routes', async () => {
    assert.equal((await server.request('GET', '/api/v1/plugins')).status, 401);
  });
});

