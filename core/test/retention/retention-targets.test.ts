import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { auditEntry, daysAgo, insert, outboxEvent, remaining } from './fixtures.ts';

/** Each core target: rows older than its period go, younger ones and unfinished work stay. */
describe('retention: core targets', () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  before(async () => {
    server = await startTestServer({ env: { RETENTION_CRON: 'off' } });
    a = await createTenantWithAdmin(server, { slug: 'ret-targets-a' });
  });
  after(() => server?.close());

  const run = () => server.running.platform.container.cradle.retention.run();

  it('outbox events: old dispatched ones go with their finished deliveries; young, undispatched or still-pending ones stay', async () => {
    const [old, young, undispatched, pendingDelivery, pendingWebhook, platformOld] = await insert(server, 'outbox_events', [
      outboxEvent(a.tenant.id, 40), outboxEvent(a.tenant.id, 10), outboxEvent(a.tenant.id, 40, false),
      outboxEvent(a.tenant.id, 40), outboxEvent(a.tenant.id, 40), outboxEvent(null, 40),
    ]) as [string, string, string, string, string, string];
    const delivered = await insert(server, 'event_deliveries', [{ tenant_id: a.tenant.id, event_id: old, subscriber: 't:done', status: 'delivered', created_at: daysAgo(10) }]);
    await insert(server, 'event_deliveries', [{ tenant_id: a.tenant.id, event_id: pendingDelivery, subscriber: 't:slow', status: 'pending', created_at: daysAgo(40) }]);
    const [hook] = await insert(server, 'webhooks', [{ tenant_id: a.tenant.id, url: 'https://example.test/h', events: JSON.stringify(['*']), secret: 'x' }]);
    await insert(server, 'webhook_deliveries', [{ tenant_id: a.tenant.id, webhook_id: hook, event_id: pendingWebhook, event_name: 'test.happened', status: 'pending', created_at: daysAgo(40) }]);

    const report = await run();
    assert.equal(report.complete, true);
    assert.deepEqual(await remaining(server, 'outbox_events', [old, young, undispatched, pendingDelivery, pendingWebhook, platformOld]), [young, undispatched, pendingDelivery, pendingWebhook]);
    // The young delivery of the old event went with it (cascade).
    assert.deepEqual(await remaining(server, 'event_deliveries', delivered), []);
  });

  it('event and webhook deliveries: old finished ones go, old pending ones stay', async () => {
    const [event] = await insert(server, 'outbox_events', [outboxEvent(a.tenant.id, 1)]);
    const deliveries = await insert(server, 'event_deliveries', ['delivered', 'dead', 'skipped', 'pending'].map((status, i) => ({ tenant_id: a.tenant.id, event_id: event, subscriber: `t:${i}`, status, created_at: daysAgo(31) })));
    const young = await insert(server, 'event_deliveries', [{ tenant_id: a.tenant.id, event_id: event, subscriber: 't:young', status: 'delivered', created_at: daysAgo(29) }]);
    const [hook] = await insert(server, 'webhooks', [{ tenant_id: a.tenant.id, url: 'https://example.test/w', events: JSON.stringify(['*']), secret: 'x' }]);
    const [hook2] = await insert(server, 'webhooks', [{ tenant_id: a.tenant.id, url: 'https://example.test/w2', events: JSON.stringify(['*']), secret: 'x' }]);
    const [hook3] = await insert(server, 'webhooks', [{ tenant_id: a.tenant.id, url: 'https://example.test/w3', events: JSON.stringify(['*']), secret: 'x' }]);
    const webhookRows = await insert(server, 'webhook_deliveries', [['succeeded', hook], ['failed', hook2], ['pending', hook3]].map(([status, webhook]) => ({ tenant_id: a.tenant.id, webhook_id: webhook, event_id: event, event_name: 'x', status, created_at: daysAgo(31) })));

    await run();
    assert.deepEqual(await remaining(server, 'event_deliveries', [...deliveries, ...young]), [deliveries[3], young[0]]);
    assert.deepEqual(await remaining(server, 'webhook_deliveries', webhookRows), [webhookRows[2]]);
  });

  it('jobs: completed and failed ones finished long ago go; waiting, active and recent ones stay', async () => {
    const job = (id: string, status: string, finishedDays: number | null) => ({ id, name: 'core.test', data: '{}', status, finished_at: finishedDays === null ? null : daysAgo(finishedDays), created_at: daysAgo(60) });
    await server.knex('jobs').insert([job('ret-done', 'completed', 31), job('ret-failed', 'failed', 31), job('ret-recent', 'completed', 5), job('ret-waiting', 'waiting', null), job('ret-retried', 'waiting', 31)]);
    await run();
    const left = (await server.knex('jobs').where('id', 'like', 'ret-%').orderBy('id').pluck('id')) as string[];
    assert.deepEqual(left, ['ret-recent', 'ret-retried', 'ret-waiting']);
  });

  it('login records: old ended sessions go with their tokens; a session still refreshed, a young one and expired tokens\' periods are kept apart', async () => {
    const user = a.admin.id;
    const session = (age: number, revoked: boolean) => ({ tenant_id: a.tenant.id, user_id: user, created_at: daysAgo(age), revoked_at: revoked ? daysAgo(age - 1) : null, ip: '203.0.113.9' });
    const [revokedOld, expiredOld, liveOld, youngRevoked] = await insert(server, 'sessions', [session(100, true), session(100, false), session(100, false), session(10, true)]) as [string, string, string, string];
    const token = (family: string, expiresDays: number, n: string) => ({ tenant_id: a.tenant.id, user_id: user, family_id: family, token_hash: `ret-${n}`, expires_at: daysAgo(expiresDays) });
    const tokens = await insert(server, 'refresh_tokens', [token(revokedOld, 70, '1'), token(expiredOld, 70, '2'), token(liveOld, -20, '3'), token(liveOld, 8, '4'), token(liveOld, 6, '5')]);

    await run();
    assert.deepEqual(await remaining(server, 'sessions', [revokedOld, expiredOld, liveOld, youngRevoked]), [liveOld, youngRevoked]);
    // Tokens expired over 7 days ago go; the valid one and the one expired 6 days ago stay.
    assert.deepEqual(await remaining(server, 'refresh_tokens', tokens), [tokens[2], tokens[4]]);
  });

  it('audit log: a year by default', async () => {
    const ids = await insert(server, 'audit_logs', [auditEntry(a.tenant.id, 366), auditEntry(a.tenant.id, 364)]);
    await run();
    assert.deepEqual(await remaining(server, 'audit_logs', ids), [ids[1]]);
  });

  it('a target whose table does not exist is skipped, the others still run', async () => {
    const exists = (await server.knex.raw(`select to_regclass('workflow_runs') as t`)).rows[0].t !== null;
    const report = await run();
    assert.equal(report.skipped.includes('workflow_runs'), !exists);
  });
});
