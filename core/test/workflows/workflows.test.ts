import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { testSockets } from '../plugins/sockets.ts';
import { RunStore } from '../../src/workflows/run-store.ts';
import { waitFor } from '../plugins/wait.ts';
import { effects, flakyTries, mails, openGate, wfProbe } from './probe-plugin.ts';

const FINISHED = ['succeeded', 'failed', 'needs_attention', 'cancelled', 'superseded'];

describe('durable workflows', function () {
  this.timeout(60_000);
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  const sockets = testSockets();

  const start = async (t: TenantWithAdmin, body: Record<string, unknown>) => {
    const res = await server.request('POST', '/api/v1/wf-probe/runs', { token: t.token, body });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data.id as string;
  };
  const get = (t: TenantWithAdmin, id: string) => server.request('GET', `/api/v1/workflows/${id}`, { token: t.token });
  const settled = (t: TenantWithAdmin, id: string, statuses = FINISHED) =>
    waitFor(async () => {
      const res = await get(t, id);
      return statuses.includes(res.body.data?.status) ? res.body.data : undefined;
    });

  before(async () => {
    server = await startTestServer({ env: { WORKFLOW_LEASE_MS: '300', WORKFLOW_SWEEP_MS: '50' }, plugins: { definitions: [wfProbe] } });
    a = await createTenantWithAdmin(server);
    b = await createTenantWithAdmin(server);
  });
  after(async () => {
    sockets.closeAll();
    await server?.close();
  });

  it('runs three steps in order, each effect once, with idempotency keys and redacted summaries', async () => {
    const id = await start(a, { workflow: 'three', input: { n: 1, apiToken: 'tok-in-clear' } });
    const run = await settled(a, id);
    assert.equal(run.status, 'succeeded');
    const mine = effects.filter((e) => e.includes(id));
    assert.deepEqual(mine, [`three/create-account:${id}:create-account`, `three/point-dns:${id}:point-dns`, `three/notify:${id}:notify`]);
    assert.deepEqual(run.steps.map((s: { name: string; status: string; attempts: number }) => [s.name, s.status, s.attempts]), [['create-account', 'succeeded', 1], ['point-dns', 'succeeded', 1], ['notify', 'succeeded', 1]]);
    assert.deepEqual(run.steps[0].outputSummary, { accountId: 'acc-1', password: '[redacted]' });
    assert.deepEqual(run.steps[1].outputSummary, { zone: '[redacted]' });
    assert.deepEqual(run.inputSummary, { n: 1, apiToken: '[redacted]' });
    assert.ok(run.startedAt && run.finishedAt && run.durationMs >= 0);
    const raw = JSON.stringify(await server.knex('workflow_steps').where({ run_id: id }));
    assert.ok(!raw.includes('hunter2') && !JSON.stringify(await server.knex('workflow_runs').where({ id })).includes('tok-in-clear'), 'outputs and input stored sealed');
  });

  it('starts nothing when the request that started the run rolls back', async () => {
    const before = Number((await server.knex('workflow_runs').count({ n: '*' }))[0]!.n);
    const res = await server.request('POST', '/api/v1/wf-probe/runs', { token: a.token, body: { workflow: 'three', input: { n: 2 }, fail: true } });
    assert.equal(res.status, 409);
    assert.equal(Number((await server.knex('workflow_runs').count({ n: '*' }))[0]!.n), before);
  });

  it('retries a transient failure with growing backoff, then succeeds', async () => {
    flakyTries.length = 0;
    const run = await settled(a, await start(a, { workflow: 'flaky' }));
    assert.equal(run.status, 'succeeded');
    assert.equal(flakyTries.length, 3);
    assert.equal(run.steps[0].attempts, 3);
    const [g1, g2] = [flakyTries[1]! - flakyTries[0]!, flakyTries[2]! - flakyTries[1]!];
    // Jitter keeps each delay within [half, all] of 40 ms then 80 ms.
    assert.ok(g1 >= 20, `first backoff ${g1} ms`);
    assert.ok(g2 >= 40, `second backoff ${g2} ms`);
  });

  it('compensates the completed steps in reverse order when a step fails for good', async () => {
    const id = await start(a, { workflow: 'undo' });
    const run = await settled(a, id);
    assert.equal(run.status, 'failed');
    assert.match(run.lastError, /four: FinalError: plan does not exist/);
    assert.deepEqual(effects.filter((e) => e.includes(id)).map((e) => e.split(':')[0]), ['undo/one', 'undo/two', 'undo/three', 'undo/three/undo', 'undo/one/undo']);
    const byKind = run.steps.map((s: { kind: string; name: string; status: string }) => `${s.kind}:${s.name}:${s.status}`);
    assert.deepEqual(byKind, ['run:one:compensated', 'run:two:succeeded', 'run:three:compensated', 'run:four:failed', 'compensate:three:succeeded', 'compensate:one:succeeded']);
    assert.equal(run.steps.find((s: { kind: string; name: string }) => s.kind === 'run' && s.name === 'four').attempts, 1, 'a FinalError is not retried');
  });

  it('counts a step that outlives its timeout as a failure', async () => {
    const run = await settled(a, await start(a, { workflow: 'slow' }));
    assert.equal(run.status, 'failed');
    assert.match(run.steps[0].lastError, /did not finish within 50 ms/);
  });

  it('supersedes a queued older run for the same subject; a running one stops after its step', async () => {
    const subject = `service:${Date.now()}`;
    const first = await start(a, { workflow: 'gated', subject });
    await waitFor(async () => effects.some((e) => e.startsWith(`gated/hold:${first}`)));
    // The run goes on in the runtime's own pool: its advance job is done, no job slot waits on the step.
    const { jobQueue } = server.running.platform.container.cradle;
    const advanceJobs = async (status: string) => (await jobQueue.list(status, a.tenant.id, 1, 100)).rows.filter((j) => j.name === 'core.workflows.advance' && (j.data as { runId: string }).runId === first);
    assert.ok((await waitFor(async () => (await advanceJobs('completed')).length)) >= 1);
    assert.equal((await advanceJobs('active')).length, 0);
    const queued = await start(a, { workflow: 'gated', subject });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await get(a, queued)).body.data.status, 'queued', 'waits behind the running run of its subject');
    const newest = await start(a, { workflow: 'gated', subject, supersede: true });
    const old = (await get(a, queued)).body.data;
    assert.deepEqual([old.status, old.supersededBy], ['superseded', newest]);
    openGate();
    const stopped = await settled(a, first);
    assert.deepEqual([stopped.status, stopped.supersededBy], ['superseded', newest]);
    assert.ok(!effects.some((e) => e.startsWith(`gated/after:${first}`)), 'the superseded run stopped after its current step');
    await waitFor(async () => effects.some((e) => e.startsWith(`gated/hold:${newest}`)));
    openGate();
    const last = await settled(a, newest);
    assert.equal(last.status, 'succeeded');
    assert.ok(!effects.some((e) => e.includes(queued)), 'the superseded queued run never ran');
  });

  it('parallel superseding starts for one subject leave one run standing: the last to commit', async () => {
    const subject = `burst:${Date.now()}`;
    const first = await start(a, { workflow: 'gated', subject });
    await waitFor(async () => effects.some((e) => e.startsWith(`gated/hold:${first}`)));
    const ids = await Promise.all(Array.from({ length: 5 }, () => start(a, { workflow: 'gated', subject, supersede: true })));
    const runs = await server.knex('workflow_runs').whereIn('id', ids).select('id', 'status', 'superseded_by', 'created_at');
    const standing = runs.filter((r: { status: string }) => r.status !== 'superseded');
    assert.equal(standing.length, 1, JSON.stringify(runs));
    assert.ok(runs.every((r: { id: string; superseded_by: string | null }) => r.id === standing[0].id || r.superseded_by), 'each superseded run names its successor');
    openGate();
    await waitFor(async () => effects.some((e) => e.startsWith(`gated/hold:${standing[0].id}`)));
    openGate();
    assert.equal((await settled(a, standing[0].id)).status, 'succeeded');
    assert.equal((await settled(a, first)).status, 'superseded');
  });

  it('ends in needs_attention, pushes to the permission room and mails the holders once; retry resumes it', async () => {
    const socket = await sockets.open(server.url, a.token);
    const pushed: Array<Record<string, unknown>> = [];
    socket.on('workflow.needs_attention', (m: Record<string, unknown>) => pushed.push(m));
    const id = await start(a, { workflow: 'attention', subject: 'domain:example.test' });
    const run = await settled(a, id);
    assert.equal(run.status, 'needs_attention');
    assert.match(run.lastError, /registrar wants a manual check/);
    const listed = await server.request('GET', '/api/v1/workflows?status=needs_attention', { token: a.token });
    assert.ok(listed.body.data.some((r: { id: string }) => r.id === id));
    await waitFor(async () => pushed.find((m) => m.id === id));
    const mail = await waitFor(async () => mails.find((m) => m.message.subject.includes('needs attention') && m.message.text.includes(id)));
    assert.equal(mail.tenantId, a.tenant.id);
    assert.deepEqual(mail.message.to.map((t) => t.email), [a.admin.email]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(mails.filter((m) => m.message.text.includes(id)).length, 1, 'one mail per holder');
    assert.equal(pushed.filter((m) => m.id === id).length, 1);

    const retried = await server.request('POST', `/api/v1/workflows/${id}/retry`, { token: a.token });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    const done = await settled(a, id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.steps[0].attempts, 2);
    assert.equal((await server.request('POST', `/api/v1/workflows/${id}/retry`, { token: a.token })).status, 409);
    assert.equal((await server.request('POST', `/api/v1/workflows/${id}/cancel`, { token: a.token })).status, 409);
  });

  it('sends the notice a worker died before sending (the sweeper finds the run un-notified)', async () => {
    const [row] = await server.knex('workflow_runs')
      .insert({ tenant_id: a.tenant.id, name: 'wf-probe.attention', owner: 'wf-probe', status: 'needs_attention', last_error: 'reserve: left behind', updated_at: new Date(Date.now() - 10_000) })
      .returning('id');
    const id = (row as { id: string }).id;
    const mail = await waitFor(async () => mails.find((m) => m.message.text.includes(id)));
    assert.match(mail.message.text, /left behind/);
    assert.ok((await server.knex('workflow_runs').where({ id }).first()).notified_at);
  });

  it('cancels a queued run', async () => {
    const subject = `cancel:${Date.now()}`;
    const first = await start(a, { workflow: 'gated', subject });
    const second = await start(a, { workflow: 'gated', subject });
    const res = await server.request('POST', `/api/v1/workflows/${second}/cancel`, { token: a.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.status, 'cancelled');
    await waitFor(async () => effects.some((e) => e.startsWith(`gated/hold:${first}`)));
    openGate();
    await settled(a, first);
    assert.ok(!effects.some((e) => e.includes(second)));
  });

  it('cancels a running run: its step is interrupted and the completed steps compensated', async () => {
    const id = await start(a, { workflow: 'cancellable' });
    await waitFor(async () => effects.some((e) => e.startsWith(`cancellable/hold:${id}`)));
    const [first, second] = await Promise.all([1, 2].map(() => server.request('POST', `/api/v1/workflows/${id}/cancel`, { token: a.token })));
    // Parallel cancels: the first asks the worker to stop; the second finds it asked (200) or already cancelled (409).
    assert.equal(first!.status, 200, JSON.stringify(first!.body));
    assert.ok([200, 409].includes(second!.status), JSON.stringify(second!.body));
    assert.equal(first!.body.data.cancelRequested, true);
    const run = await settled(a, id);
    assert.equal(run.status, 'cancelled');
    assert.deepEqual(effects.filter((e) => e.includes(id)).map((e) => e.split(':')[0]), ['cancellable/reserve', 'cancellable/hold', 'cancellable/reserve/undo']);
    assert.equal((await server.request('POST', `/api/v1/workflows/${id}/cancel`, { token: a.token })).status, 409);
  });

  it('lets one worker hold a run at a time; a worker whose lease ran out writes nothing', async () => {
    const store = new RunStore(server.knex);
    // Never kicked by the sweeper (kicked "in the future"): only this test's two workers touch it.
    const [row] = await server.knex('workflow_runs').insert({ tenant_id: a.tenant.id, name: 'wf-probe.three', owner: 'wf-probe', kicked_at: new Date(Date.now() + 3_600_000) }).returning('id');
    const id = (row as { id: string }).id;
    const run = await store.claim(id, 'worker-1', 150);
    assert.equal(run?.status, 'running');
    assert.equal(await store.beginStep(run!, 'worker-1', { position: 0, name: 'create-account', kind: 'run' }), 1);
    assert.equal(await store.claim(id, 'worker-2', 150), undefined, 'a live lease is not taken');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(await store.claim(id, 'worker-2', 60_000), 'an expired lease is taken over');
    assert.equal(await store.endStep(id, 'worker-1', 'run', 0, { status: 'succeeded' }), false);
    assert.equal(await store.release(id, 'worker-1', { status: 'failed' }), false);
    assert.equal((await store.heartbeat(id, 'worker-1', 60_000)).held, false);
    assert.equal(await store.beginStep(run!, 'worker-1', { position: 1, name: 'point-dns', kind: 'run' }), undefined);
    assert.equal(await store.beginStep(run!, 'worker-2', { position: 0, name: 'create-account', kind: 'run' }), 2, 'the new holder re-runs the step');
    const now = await server.knex('workflow_runs').where({ id }).first();
    assert.deepEqual([now.status, now.lease_owner], ['running', 'worker-2']);
    assert.deepEqual(await server.knex('workflow_steps').where({ run_id: id }).pluck('status'), ['running']);
    await store.release(id, 'worker-2', { status: 'cancelled', finished_at: new Date() });
  });

  it('answers 404 to another tenant, 403 without the permission, 400 for bad input', async () => {
    const id = await start(a, { workflow: 'three', input: { n: 3 } });
    await settled(a, id);
    for (const [method, path] of [['GET', `/api/v1/workflows/${id}`], ['POST', `/api/v1/workflows/${id}/retry`], ['POST', `/api/v1/workflows/${id}/cancel`]] as const) {
      const res = await server.request(method, path, { token: b.token });
      assert.equal(res.status, 404, `${method} ${path}: ${JSON.stringify(res.body)}`);
    }
    const listB = await server.request('GET', '/api/v1/workflows?perPage=100', { token: b.token });
    assert.equal(listB.status, 200);
    assert.deepEqual([listB.body.data.length, listB.body.meta.total], [0, 0]);
    const listA = await server.request('GET', `/api/v1/workflows?name=wf-probe.three&status=succeeded&perPage=2`, { token: a.token });
    assert.equal(listA.body.meta.perPage, 2);
    assert.ok(listA.body.meta.total >= 2 && listA.body.data.every((r: { name: string; status: string }) => r.name === 'wf-probe.three' && r.status === 'succeeded'));

    const billing = await createUser(server, a.token, ['billing'], { tenant: a.tenant.slug });
    assert.equal((await server.request('GET', '/api/v1/workflows', { token: billing.token })).status, 403);
    assert.equal((await server.request('GET', `/api/v1/workflows/${id}`, { token: billing.token })).status, 403);
    const support = await createUser(server, a.token, ['support'], { tenant: a.tenant.slug });
    assert.equal((await server.request('GET', `/api/v1/workflows/${id}`, { token: support.token })).status, 200);
    assert.equal((await server.request('POST', `/api/v1/workflows/${id}/cancel`, { token: support.token })).status, 403);

    for (const path of ['/api/v1/workflows?status=exploded', '/api/v1/workflows?perPage=100000', '/api/v1/workflows?colour=red', '/api/v1/workflows/not-a-uuid']) {
      const res = await server.request('GET', path, { token: a.token });
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      assert.ok(res.body.error);
    }
  });
});
