import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, superAdminToken, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { auditEntry, daysAgo, insert, remaining } from './fixtures.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/retention', import.meta.url));

describe('retention: plugins\' targets (ctx.retention.register)', () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  before(async () => {
    server = await startTestServer({ env: { RETENTION_CRON: 'off', RETENTION_DAYS_SWEEPER_SYNC_LOG: '20' }, plugins: { directories: [FIXTURES] } });
    a = await createTenantWithAdmin(server, { slug: 'ret-plugins-a' });
  });
  after(() => server?.close());

  it('deletes a plugin\'s finished rows past the period from the environment, children first', async () => {
    const log = (status: string, age: number) => ({ tenant_id: a.tenant.id, status, created_at: daysAgo(age) });
    const ids = await insert(server, 'sweeper_sync_log', [log('done', 21), log('failed', 21), log('running', 21), log('done', 15)]);
    const notes = await insert(server, 'sweeper_sync_notes', [{ tenant_id: a.tenant.id, log_id: ids[0] }, { tenant_id: a.tenant.id, log_id: ids[3] }]);
    const report = await server.running.platform.container.cradle.retention.run();
    assert.deepEqual(report.failed, {});
    assert.equal(report.deleted['sweeper.sync-log'], 2);
    // The running one and the one younger than RETENTION_DAYS_SWEEPER_SYNC_LOG (not the default 10) stay.
    assert.deepEqual(await remaining(server, 'sweeper_sync_log', ids), [ids[2], ids[3]]);
    assert.deepEqual(await remaining(server, 'sweeper_sync_notes', notes), [notes[1]]);
  });

  it('a plugin naming core\'s audit log as its target fails to load, and the audit log keeps its year', async () => {
    const res = await server.request('GET', '/api/v1/plugins', { token: await superAdminToken(server) });
    const greedy = (res.body.data as Array<{ id: string; status: string; error?: string }>).find((p) => p.id === 'greedy');
    assert.equal(greedy?.status, 'failed');
    assert.match(greedy?.error ?? '', /audit_logs is already a retention target of "core"/);
    const ids = await insert(server, 'audit_logs', [auditEntry(a.tenant.id, 2)]);
    await server.running.platform.container.cradle.retention.run();
    assert.deepEqual(await remaining(server, 'audit_logs', ids), ids);
  });

  it('the target is listed in GET /api/v1/retention', async () => {
    const res = await server.request('GET', '/api/v1/retention', { token: a.token });
    const target = (res.body.data as Array<{ target: string; days: number; tenantSettable: boolean }>).find((t) => t.target === 'sweeper.sync-log');
    assert.deepEqual(target && { days: target.days, tenantSettable: target.tenantSettable }, { days: 20, tenantSettable: false });
  });
});
