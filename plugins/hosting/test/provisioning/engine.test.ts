import assert from 'node:assert/strict';
import { Harness, waitFor, type World } from './harness.ts';
import { RETRY_DELAYS_MS } from '../../src/provisioning/retry-schedule.ts';

describe('hosting provisioning engine (in-memory module)', function () {
  this.timeout(120_000);
  const h = new Harness();
  let w: World;
  before(async () => {
    await h.start();
    w = await h.world();
  });
  after(() => h.stop());
  afterEach(() => w.remote.clearFaults());

  it('paid → pending setup → active only once the account exists on the server', async () => {
    w.remote.inject({ action: 'create', code: 'UNREACHABLE', message: 'web1 did not answer (connection refused)' });
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId), 15_000, 'account row');
    const retrying = await h.opWhere(account.id, 'create', 'retrying');
    assert.equal(retrying.error_code, 'UNREACHABLE');
    assert.equal((await h.service(w, o.serviceId)).status, 'pending', 'billing does not claim active while the server has nothing');
    assert.equal(w.remote.byService(o.serviceId).length, 0);
    const progress = (await h.api(w.t, 'GET', `/api/v1/hosting-accounts/${account.id}/progress`, undefined, 200)).body.data;
    assert.equal(progress.state, 'setting_up');
    assert.match(progress.message, /step 3 of 6/);

    await h.moveClock(retrying as never);
    const done = await h.opWhere(account.id, 'create', 'succeeded');
    assert.equal(done.attempt, 2);
    assert.equal((await h.service(w, o.serviceId)).status, 'active');
    assert.equal(w.remote.byService(o.serviceId).length, 1);
    const site = await h.knex('websites').where({ account_id: account.id }).first();
    assert.equal(site.state, 'active', 'the order\'s domain became a website through module.resources');
    assert.ok(w.remote.resources.has(site.id));
    const detail = (await h.api(w.t, 'GET', `/api/v1/provisioning/operations/${done.id}`, undefined, 200)).body.data;
    assert.deepEqual(detail.steps.map((s: { name: string; ok: boolean }) => `${s.name}:${s.ok}`).filter((s: string) => s.startsWith('create')), ['create:false', 'create:true', 'create:true']);
    assert.equal((await h.api(w.t, 'GET', `/api/v1/hosting-accounts/${account.id}/progress`, undefined, 200)).body.data.state, 'ready');
    assert.equal((await h.account(o.serviceId))!.observed_state, 'active');
    assert.ok((await h.events('provisioning.succeeded')).some((e) => e.payload.operationId === done.id));
  });

  it('a timeout after the server applied the create: observe before the retry, one account, no "already exists"', async () => {
    w.remote.inject({ action: 'create', code: 'TIMEOUT', afterApply: true });
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId));
    const retrying = await h.opWhere(account.id, 'create', 'retrying');
    assert.equal(retrying.ambiguous, true);
    await h.moveClock(retrying as never);
    const done = await h.opWhere(account.id, 'create', 'succeeded');
    assert.equal(w.remote.byService(o.serviceId).length, 1);
    assert.equal(w.remote.calls.filter((c) => c === `create:${account.username}`).length, 1, 'create was not sent again');
    assert.ok(done.steps.some((s: { name: string; response?: { alreadyApplied?: boolean } }) => s.name === 'observe before retry' && s.response?.alreadyApplied === true));
    assert.equal((await h.service(w, o.serviceId)).status, 'active');
  });

  it('retryable failures back off 30 s, 2 m, 10 m, 30 m, 2 h, 6 h under a moved clock, then need attention; retry from the API recovers', async () => {
    w.remote.inject({ action: 'create', code: 'REMOTE_UNAVAILABLE', times: RETRY_DELAYS_MS.length + 1, message: 'web1 answered 503: maintenance' });
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId));
    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      const op = await waitFor(async () => (await h.ops(account.id)).find((x) => x.status === 'retrying' && x.attempt === i + 1), 15_000, `try ${i + 1}`);
      const wait = new Date(op.next_attempt_at).getTime() - new Date(op.updated_at).getTime();
      assert.ok(Math.abs(wait - delay) < 5_000, `after try ${i + 1} the wait is ${wait} ms, planned ${delay}`);
      const run = await h.knex('workflow_runs').where({ id: op.workflow_run_id }).first();
      assert.ok(Math.abs(new Date(run.next_attempt_at).getTime() - new Date(op.next_attempt_at).getTime()) < 5_000, 'the run waits as long as the operation says');
      await h.moveClock(op as never);
    }
    const stuck = await h.opWhere(account.id, 'create', 'needs_attention');
    assert.equal(stuck.attempt, RETRY_DELAYS_MS.length + 1);
    assert.match(stuck.error_message, /maintenance/);
    assert.equal((await h.service(w, o.serviceId)).status, 'pending');
    assert.ok((await h.events('provisioning.failed')).some((e) => e.payload.operationId === stuck.id));
    const progress = (await h.api(w.t, 'GET', `/api/v1/hosting-accounts/${account.id}/progress`, undefined, 200)).body.data;
    assert.equal(progress.state, 'needs_staff');
    assert.ok(!progress.message.includes('503'), 'the client sees a neutral message');

    const listed = (await h.api(w.t, 'GET', `/api/v1/provisioning/operations?status=needs_attention&accountId=${account.id}`, undefined, 200)).body;
    assert.deepEqual([listed.meta.total, listed.data[0].id], [1, stuck.id]);
    await h.api(w.t, 'POST', `/api/v1/provisioning/operations/${stuck.id}/retry`, undefined, 200);
    await h.opWhere(account.id, 'create', 'succeeded');
    assert.equal((await h.service(w, o.serviceId)).status, 'active');
    await h.api(w.t, 'POST', `/api/v1/provisioning/operations/${stuck.id}/retry`, undefined, 409);
  });

  it('a worker that dies mid-call is replaced: the run resumes at its step, observes, and there is one account', async () => {
    w.remote.inject({ action: 'create', code: 'TIMEOUT', hang: true });
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId));
    await waitFor(async () => w.remote.byService(o.serviceId).length === 1, 15_000, 'create reached the server');
    const op = (await h.ops(account.id))[0]!;
    // The worker holding the run is gone: another owner's lease, already expired (what a SIGKILL leaves).
    await h.knex('workflow_runs').where({ id: op.workflow_run_id }).update({ lease_owner: 'dead-worker', lease_until: new Date(Date.now() - 1000), kicked_at: null });
    const done = await h.opWhere(account.id, 'create', 'succeeded');
    const steps = await h.knex('workflow_steps').where({ run_id: op.workflow_run_id, name: 'apply' }).first();
    assert.equal(steps.attempts, 2, 'the step ran again on the new worker');
    assert.equal(w.remote.byService(o.serviceId).length, 1);
    assert.equal(w.remote.calls.filter((c) => c === `create:${account.username}`).length, 1, 'observed instead of creating again');
    assert.ok(done.steps.some((s: { name: string; response?: { alreadyApplied?: boolean } }) => s.name === 'observe before retry' && s.response?.alreadyApplied === true));
    assert.equal((await h.service(w, o.serviceId)).status, 'active');
  });

  it('a package the server lacks needs attention at once, with the actionable message for staff only', async () => {
    const bad = await h.world({ remotePackage: 'platinum-typo' });
    const o = await h.order(bad);
    await h.pay(bad, o);
    const account = await waitFor(() => h.account(o.serviceId));
    const op = await h.opWhere(account.id, 'create', 'needs_attention');
    assert.equal(op.attempt, 1, 'not retried');
    assert.equal(op.error_code, 'INVALID_PACKAGE');
    assert.match(op.error_message, /Package 'platinum-typo' does not exist/);
    assert.equal(op.retryable, false);
    assert.equal((await h.service(bad, o.serviceId)).status, 'pending');
    const progress = (await h.api(bad.t, 'GET', `/api/v1/hosting-accounts/${account.id}/progress`, undefined, 200)).body.data;
    assert.ok(!JSON.stringify(progress).includes('platinum'), 'the portal never shows the raw error');
  });

  it('suspend then unsuspend before the suspend ran: the last intent wins', async () => {
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId));
    await h.opWhere(account.id, 'create', 'succeeded');
    w.remote.inject({ action: 'suspend', code: 'UNREACHABLE' });
    await h.api(w.t, 'POST', `/api/v1/services/${o.serviceId}/suspend`, {}, 200);
    await h.opWhere(account.id, 'suspend', 'retrying');
    await h.api(w.t, 'POST', `/api/v1/services/${o.serviceId}/unsuspend`, {}, 200);
    await h.opWhere(account.id, 'unsuspend', 'succeeded');
    const suspend = await h.opWhere(account.id, 'suspend', 'superseded');
    await h.moveClock(suspend as never);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await h.ops(account.id)).find((x) => x.id === suspend.id)!.status, 'superseded', 'the older intent never runs again');
    assert.equal(w.remote.accounts.get(account.username)!.status, 'active');
    assert.equal((await h.service(w, o.serviceId)).status, 'active');
  });

  it('reconcile re-suspends an account the server un-suspended and lists unknown accounts as importable', async () => {
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId));
    await h.opWhere(account.id, 'create', 'succeeded');
    await h.api(w.t, 'POST', `/api/v1/services/${o.serviceId}/suspend`, {}, 200);
    await h.opWhere(account.id, 'suspend', 'succeeded');
    w.remote.accounts.get(account.username)!.status = 'active'; // someone un-suspended it on the server
    w.remote.accounts.set('stray1', { username: 'stray1', serviceId: 'none', status: 'active' });
    const res = (await h.api(w.t, 'POST', `/api/v1/servers/${w.serverId}/reconcile`, undefined, 200)).body.data;
    const mine = res.accounts.find((a: { accountId: string }) => a.accountId === account.id);
    assert.deepEqual(mine.repairs, ['suspend']);
    assert.deepEqual(res.importable.map((r: { username: string }) => r.username), ['stray1']);
    assert.equal(mine.drift[0].field, 'status');
    await waitFor(async () => (await h.ops(account.id)).filter((x) => x.action === 'suspend' && x.status === 'succeeded').length === 2);
    assert.equal(w.remote.accounts.get(account.username)!.status, 'suspended');
    const verified = (await h.api(w.t, 'POST', `/api/v1/hosting-accounts/${account.id}/verify`, undefined, 200)).body.data;
    assert.deepEqual([verified.observed, verified.drift.length], ['suspended', 0]);
  });

  it('overdue → suspended on the server → paid → unsuspended (auto-unsuspend is for reason overdue only)', async () => {
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId));
    await h.opWhere(account.id, 'create', 'succeeded');
    const due = (await h.api(w.t, 'GET', `/api/v1/services/${o.serviceId}`, undefined, 200)).body.data.nextDueDate as string;
    const day = (offset: number) => new Date(Date.parse(`${due}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    await h.api(w.t, 'POST', '/api/v1/billing/runs', { date: day(-1), force: true }, 200);
    await h.api(w.t, 'POST', '/api/v1/billing/runs', { date: day(10), force: true }, 200);
    assert.deepEqual(await h.service(w, o.serviceId).then((s) => [s.status, s.suspendReason]), ['suspended', 'overdue']);
    await h.opWhere(account.id, 'suspend', 'succeeded');
    assert.equal(w.remote.accounts.get(account.username)!.status, 'suspended');
    assert.equal((await h.account(o.serviceId))!.suspend_reason, 'overdue');
    const renewal = await h.knex('invoice_items as ii').join('invoices as i', 'i.id', 'ii.invoice_id').where({ 'ii.service_id': o.serviceId, 'ii.kind': 'recurring' }).first('i.id', 'i.total');
    await h.pay(w, { serviceId: o.serviceId, invoiceId: renewal.id, total: Number(renewal.total) });
    await h.opWhere(account.id, 'unsuspend', 'succeeded');
    assert.equal(w.remote.accounts.get(account.username)!.status, 'active');
    assert.equal((await h.service(w, o.serviceId)).status, 'active');

    // Suspended by hand: paying does not bring it back (nothing is unsuspended without staff).
    await h.api(w.t, 'POST', `/api/v1/services/${o.serviceId}/suspend`, {}, 200);
    await waitFor(async () => (await h.ops(account.id)).filter((x) => x.action === 'suspend' && x.status === 'succeeded').length === 2);
    await h.api(w.t, 'POST', '/api/v1/billing/runs', { date: day(20), force: true }, 200);
    assert.equal((await h.service(w, o.serviceId)).status, 'suspended');
    assert.equal((await h.ops(account.id)).filter((x) => x.action === 'unsuspend').length, 1);
  });

  it('GET /api/health/ready reports operations that need attention, in numbers only', async () => {
    await waitFor(async () => (await h.knex('provisioning_operations').where({ status: 'needs_attention' }).first()) as unknown);
    const res = await h.server.request('GET', '/api/health/ready');
    const checks = res.body.data?.checks ?? res.body.checks;
    const mine = checks['hosting:provisioning'];
    assert.equal(mine.ok, true, 'reported, but no reason to take the instance out of the load balancer');
    assert.match(mine.problem, /\d+ needs? attention/);
  });

  it('tenant B sees none of tenant A\'s operations', async () => {
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId));
    const op = await h.opWhere(account.id, 'create', 'succeeded');
    const b = await h.world();
    await h.api(b.t, 'GET', `/api/v1/provisioning/operations/${op.id}`, undefined, 404);
    await h.api(b.t, 'POST', `/api/v1/provisioning/operations/${op.id}/cancel`, undefined, 404);
    await h.api(b.t, 'POST', `/api/v1/provisioning/operations/${op.id}/retry`, undefined, 404);
    await h.api(b.t, 'GET', `/api/v1/hosting-accounts/${account.id}/progress`, undefined, 404);
    await h.api(b.t, 'POST', `/api/v1/hosting-accounts/${account.id}/verify`, undefined, 404);
    await h.api(b.t, 'POST', `/api/v1/servers/${w.serverId}/reconcile`, undefined, 404);
    const listed = (await h.api(b.t, 'GET', '/api/v1/provisioning/operations', undefined, 200)).body;
    assert.equal(listed.meta.total, 0);
  });
});
