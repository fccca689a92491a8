import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { auditEntry, insert, outboxEvent, remaining } from './fixtures.ts';

/** How a run proceeds: batches, the time budget, tenants' own periods, the cron job. */
describe('retention: runs', () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  before(async () => {
    server = await startTestServer({ env: { RETENTION_BATCH_SIZE: '7' } });
    a = await createTenantWithAdmin(server, { slug: 'ret-runs-a' });
    b = await createTenantWithAdmin(server, { slug: 'ret-runs-b' });
  });
  after(() => server?.close());

  const cradle = () => server.running.platform.container.cradle;
  const oldEvents = (n: number) => insert(server, 'outbox_events', Array.from({ length: n }, (_, i) => outboxEvent(a.tenant.id, 40 + i)));

  it('a table with more rows than a batch is emptied over several batches', async () => {
    const ids = await oldEvents(30);
    const report = await cradle().retention.run();
    assert.equal(report.deleted.outbox_events, 30);
    assert.ok(report.batches >= 5, `30 rows in batches of 7 take 5 batches, took ${report.batches}`);
    assert.deepEqual(await remaining(server, 'outbox_events', ids), []);
  });

  it('a run stops when its budget is spent and the next one goes on from there', async () => {
    const ids = await oldEvents(30);
    let t = 0;
    // Every look at the clock is 10 ms later: a 25 ms budget allows two batches.
    const first = await cradle().retention.run({ only: ['outbox_events'], budgetMs: 25, clock: () => (t += 10) });
    assert.equal(first.complete, false);
    assert.equal(first.deleted.outbox_events, 14);
    assert.equal((await remaining(server, 'outbox_events', ids)).length, 16);
    const second = await cradle().retention.run();
    assert.equal(second.complete, true);
    assert.equal(second.deleted.outbox_events, 16);
    assert.deepEqual(await remaining(server, 'outbox_events', ids), []);
  });

  it('two runs at once (the cron job and an operator) share the rows, neither fails', async () => {
    const ids = await oldEvents(30);
    const reports = await Promise.all([cradle().retention.run(), cradle().retention.run()]);
    assert.deepEqual(reports.map((r) => r.failed), [{}, {}]);
    assert.equal(reports.reduce((n, r) => n + (r.deleted.outbox_events ?? 0), 0), 30);
    assert.deepEqual(await remaining(server, 'outbox_events', ids), []);
  });

  it('a tenant\'s own period applies to its rows only', async () => {
    const set = await server.request('PATCH', '/api/v1/retention', { token: a.token, body: { audit_logs: 30 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const [aOld, aYoung] = await insert(server, 'audit_logs', [auditEntry(a.tenant.id, 40), auditEntry(a.tenant.id, 20)]) as [string, string];
    const [bOld, bAncient] = await insert(server, 'audit_logs', [auditEntry(b.tenant.id, 40), auditEntry(b.tenant.id, 400)]) as [string, string];
    await cradle().retention.run();
    assert.deepEqual(await remaining(server, 'audit_logs', [aOld, aYoung]), [aYoung]);
    // B keeps the platform's year: A's choice does not reach it.
    assert.deepEqual(await remaining(server, 'audit_logs', [bOld, bAncient]), [bOld]);
  });

  it('a tenant that chose longer keeps what the platform\'s period would delete', async () => {
    const set = await server.request('PATCH', '/api/v1/retention', { token: b.token, body: { sessions: 365 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const session = (tenant: TenantWithAdmin) => ({ tenant_id: tenant.tenant.id, user_id: tenant.admin.id, created_at: new Date(Date.now() - 100 * 86_400_000), revoked_at: new Date() });
    const [aSession, bSession] = await insert(server, 'sessions', [session(a), session(b)]) as [string, string];
    await cradle().retention.run();
    assert.deepEqual(await remaining(server, 'sessions', [aSession, bSession]), [bSession]);
  });

  it('is a cron job of the queue; running it deletes', async () => {
    const { jobQueue } = cradle();
    if (jobQueue.kind === 'database') {
      const schedule = await server.knex('job_schedules').where({ name: 'core.retention' }).first();
      assert.equal(schedule?.cron, '*/10 * * * *');
    }
    const ids = await oldEvents(3);
    await jobQueue.enqueue('core', 'retention', {}, { tenantId: null });
    const deadline = Date.now() + 10_000;
    while ((await remaining(server, 'outbox_events', ids)).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(await remaining(server, 'outbox_events', ids), []);
  });
});
