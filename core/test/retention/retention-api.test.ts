import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../src/testing/auth.ts';

interface View { target: string; description: string | null; days: number; defaultDays: number; tenantDays: number | null; tenantSettable: boolean; minDays: number; maxDays: number }

describe('retention API: GET/PATCH /api/v1/retention', () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  before(async () => {
    server = await startTestServer({ env: { RETENTION_DAYS_AUDIT_LOGS: '400', RETENTION_MIN_DAYS_AUDIT_LOGS: '60' } });
    a = await createTenantWithAdmin(server, { slug: 'ret-api-a' });
    b = await createTenantWithAdmin(server, { slug: 'ret-api-b' });
  });
  after(() => server?.close());

  const get = async (token: string) => {
    const res = await server.request('GET', '/api/v1/retention', { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return Object.fromEntries((res.body.data as View[]).map((v) => [v.target, v]));
  };
  const patch = (token: string, body: unknown) => server.request('PATCH', '/api/v1/retention', { token, body });

  it('lists every target with the platform\'s period and bounds from the environment', async () => {
    const views = await get(a.token);
    assert.deepEqual(views.audit_logs, { target: 'audit_logs', description: views.audit_logs!.description, days: 400, defaultDays: 400, tenantDays: null, tenantSettable: true, minDays: 60, maxDays: 3650 });
    assert.equal(views.outbox_events!.tenantSettable, false);
    assert.equal(views.outbox_events!.days, 30);
  });

  for (const [label, value] of [['0', 0], ['-1', -1], ['1e9', 1e9], ['a string', '90'], ['a fraction', 90.5], ['below the platform minimum', 59], ['above the maximum', 3651]] as const) {
    it(`refuses ${label} with 400 and changes nothing`, async () => {
      const res = await patch(a.token, { audit_logs: value });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.ok(res.body.details.audit_logs, JSON.stringify(res.body));
      assert.equal((await get(a.token)).audit_logs!.tenantDays, null);
    });
  }

  it('refuses targets a tenant may not set, unknown ones and an empty body', async () => {
    for (const body of [{ outbox_events: 90 }, { nope: 90 }, {}, { audit_logs: 90, jobs: 5 }]) {
      const res = await patch(a.token, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    }
    assert.equal((await get(a.token)).audit_logs!.tenantDays, null);
  });

  it('sets the tenant\'s own period, audited; B is unaffected; null goes back to the platform\'s', async () => {
    const res = await patch(a.token, { audit_logs: 730, sessions: 30 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const views = await get(a.token);
    assert.equal(views.audit_logs!.days, 730);
    assert.equal(views.audit_logs!.tenantDays, 730);
    assert.equal(views.sessions!.days, 30);
    assert.equal((await get(b.token)).audit_logs!.days, 400);
    const audit = await server.request('GET', '/api/v1/audit-logs?action=retention.updated', { token: a.token });
    assert.deepEqual(audit.body.data[0].after, { audit_logs: 730, sessions: 30 });
    assert.deepEqual(audit.body.data[0].before, {}, 'nothing of its own before');
    assert.equal((await patch(a.token, { audit_logs: null })).status, 200);
    assert.equal((await get(a.token)).audit_logs!.days, 400);
    assert.equal((await get(a.token)).sessions!.days, 30);
  });

  it('needs retention.read / retention.manage', async () => {
    const support = await createUser(server, a.token, ['support'], { tenant: 'ret-api-a' });
    assert.equal((await server.request('GET', '/api/v1/retention', { token: support.token })).status, 403);
    assert.equal((await patch(support.token, { audit_logs: 90 })).status, 403);
    assert.equal((await server.request('GET', '/api/v1/retention')).status, 401);
  });
});
