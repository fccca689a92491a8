import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ProvisioningError } from '@mpanel/sdk';
import { type ProvisioningModule } from '@mpanel/sdk';
import { AGENT_AUTH_HEADER, buildEnvelope, generateAgentKeyPair, signEnvelope } from '@mpanel/sdk/agent-protocol';
import { AgentDaemon, Journal, enrollAgent, loadState, statePaths, type AgentState } from '@mpanel/agent';
import { FakeOps } from './support/fake-ops.ts';
import { agentModule, callFor, createTenantWithAdmin, insertServer, startAgentPanel, type TenantWithAdmin, type TestServer } from './support/server.ts';

// Short long polls: a stopped daemon's last poll ends soon (the window is read when a poll starts).
process.env.MPANEL_AGENT_POLL_MS = '1000';

const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('provisioning-agent: enrollment, signed jobs, the daemon and the module', function () {
  this.timeout(120_000);
  let server: TestServer;
  let close: () => Promise<void>;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let serverId: string;
  let module: ProvisioningModule;
  const ops = new FakeOps();
  const stateDir = mkdtempSync(join(tmpdir(), 'mpa-state-'));
  let state: AgentState;
  let privateKeyPem: string;
  let journal: Journal;
  let daemon: AgentDaemon | undefined;

  const startDaemon = async (overrides: Partial<ConstructorParameters<typeof AgentDaemon>[0]> = {}) => {
    journal = await new Journal(statePaths(stateDir).journal).open();
    daemon = new AgentDaemon({ state, privateKeyPem, journal, runOp: ops.run, backoff: { initialMs: 50, maxMs: 400 }, stopGraceMs: 5000, ...overrides });
    void daemon.start();
    return daemon;
  };
  const stopDaemon = async () => {
    await daemon?.stop();
    await journal?.close();
    daemon = undefined;
  };
  const job = (id: string) => server.knex('agent_jobs').where({ id }).first();

  before(async () => {
    ({ server, close } = await startAgentPanel());
    const health = await server.request('GET', '/api/health');
    const plugin = (health.body.plugins as Array<{ id: string; status: string; error?: string }>).find((p) => p.id === 'provisioning-agent');
    assert.equal(plugin?.status, 'active', JSON.stringify(plugin));
    a = await createTenantWithAdmin(server);
    b = await createTenantWithAdmin(server);
    serverId = await insertServer(server, a.tenant.id);
    module = agentModule(server);
  });
  after(async () => {
    await stopDaemon();
    await close?.();
    rmSync(stateDir, { recursive: true, force: true });
  });

  describe('enrollment', () => {
    let token: string;

    it('staff get a one-time token and the command to run; another tenant gets a 404', async () => {
      const res = await server.request('POST', `/api/v1/servers/${serverId}/enrollment`, { token: a.token });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      token = res.body.data.token;
      assert.match(res.body.data.command, /^mpanel-agent enroll --panel \S+ --token \S+$/);
      assert.ok(Date.parse(res.body.data.expiresAt) > Date.now() + 59 * 60_000);
      const other = await server.request('POST', `/api/v1/servers/${serverId}/enrollment`, { token: b.token });
      assert.equal(other.status, 404);
      assert.equal((await server.request('GET', `/api/v1/servers/${serverId}/agent`, { token: b.token })).status, 404);
      const view = await server.request('GET', `/api/v1/servers/${serverId}/agent`, { token: a.token });
      assert.equal(view.body.data.status, 'enrolling');
      assert.ok(view.body.data.enrollmentPendingUntil);
    });

    it('refuses a wrong token and a bad public key', async () => {
      const wrong = `${a.tenant.id}.${serverId}.${'x'.repeat(43)}`;
      const res = await server.request('POST', '/api/agent/v1/enroll', { body: { token: wrong, publicKey: generateAgentKeyPair().publicKey, facts: {} } });
      assert.equal(res.status, 401);
      const bad = await server.request('POST', '/api/agent/v1/enroll', { body: { token, publicKey: 'not-a-key', facts: {} } });
      assert.equal(bad.status, 400);
    });

    it('the agent enrolls: keys made, facts posted, panel key pinned; the server is online', async () => {
      state = await enrollAgent({ panelUrl: server.url, token, stateDir, runOp: ops.run });
      ({ privateKeyPem } = await loadState(stateDir));
      assert.equal(state.serverId, serverId);
      assert.equal(state.tenantId, a.tenant.id);
      const row = await server.knex('servers').where({ id: serverId }).first();
      assert.equal(row.status, 'online');
      assert.equal(row.agent_public_key, state.publicKey);
      assert.equal(row.facts.nginx, '1.22.1');
      const view = await server.request('GET', `/api/v1/servers/${serverId}/agent`, { token: a.token });
      assert.equal(view.body.data.status, 'online');
      assert.equal(view.body.data.publicKey, state.publicKey);
    });

    it('the token works once', async () => {
      const again = await server.request('POST', '/api/agent/v1/enroll', { body: { token, publicKey: generateAgentKeyPair().publicKey, facts: {} } });
      assert.equal(again.status, 401);
      assert.equal((await server.knex('agent_servers').where({ server_id: serverId }).first()).public_key, state.publicKey);
    });
  });

  describe('agent requests', () => {
    it('a poll without a valid signature is a 401', async () => {
      assert.equal((await server.request('POST', '/api/agent/v1/poll', { body: {} })).status, 401);
      const forged = `id=${serverId},tenant=${a.tenant.id},t=${Math.floor(Date.now() / 1000)},sig=${'A'.repeat(86)}`;
      assert.equal((await server.request('POST', '/api/agent/v1/poll', { body: {}, headers: { [AGENT_AUTH_HEADER]: forged } })).status, 401);
    });
  });

  describe('the daemon runs jobs through the module', () => {
    before(() => startDaemon());

    it('create → account.ensure signed, run, result stored and returned with its steps', async () => {
      const call = callFor(a.tenant.id, serverId, 'mpt1');
      const result = await module.create(call);
      assert.equal(result.ok, true);
      assert.equal(result.username, 'mpt1');
      assert.equal(ops.accounts.get('mpt1'), 'active');
      assert.deepEqual(call.steps.map((s) => s.name), ['account.ensure: useradd', 'account.ensure: pool']);
      const row = await server.knex('agent_jobs').where({ op: 'account.ensure' }).orderBy('created_at', 'desc').first();
      assert.equal(row.status, 'succeeded');
      assert.equal(row.result.observed.uid, 2001);
      assert.equal(row.attempts, 1);
      assert.match(readFileSync(statePaths(stateDir).journal, 'utf8'), new RegExp(row.id));
    });

    it('suspend, observe and terminate converge', async () => {
      await module.suspend(callFor(a.tenant.id, serverId, 'mpt1'), 'overdue');
      assert.deepEqual(await module.observe(callFor(a.tenant.id, serverId, 'mpt1')), { exists: true, status: 'suspended', username: 'mpt1' });
      await module.changePackage(callFor(a.tenant.id, serverId, 'mpt1'));
      assert.equal(ops.accounts.get('mpt1'), 'suspended', 'a plan change keeps the suspension');
      await module.terminate(callFor(a.tenant.id, serverId, 'mpt1'));
      assert.deepEqual(await module.observe(callFor(a.tenant.id, serverId, 'mpt1')), { exists: false });
    });

    it('an op failure becomes a ProvisioningError with the agent code and steps', async () => {
      const call = callFor(a.tenant.id, serverId, 'mpt2');
      await assert.rejects(
        module.resources!.ensure(call, { kind: 'database', id: randomUUID(), engine: 'mariadb', name: 'mpt2_db', user: 'mpt2_db', state: 'active' }),
        (err: ProvisioningError) => err.name === 'ProvisioningError' && err.code === 'CONFLICT' && !err.retryable && /taken/.test(err.message),
      );
      assert.deepEqual(call.steps, [{ name: 'db.ensure: create database', ok: false, ms: 1, detail: 'exists, owned by mpt_other' }]);
    });

    it('testConnection asks the agent for its facts', async () => {
      const res = await module.testConnection({ tenantId: a.tenant.id, settings: {}, server: { id: serverId, hostname: 'web.test', credentials: {} } });
      assert.equal(res.ok, true);
      assert.equal(res.facts?.os, 'Debian 12');
    });

    it('a job delivered again gets the stored result: the op does not run twice', async () => {
      await module.create(callFor(a.tenant.id, serverId, 'mpt3'));
      const row = await server.knex('agent_jobs').where({ op: 'account.ensure' }).orderBy('created_at', 'desc').first();
      const before = ops.count('account.ensure');
      // The panel never got the answer (as if lost): it hands the job out again.
      await server.knex('agent_jobs').where({ id: row.id }).update({ status: 'queued', result: null, finished_at: null });
      await until('re-delivered job answered', async () => (await job(row.id)).status === 'succeeded');
      assert.equal(ops.count('account.ensure'), before);
      assert.equal((await job(row.id)).attempts, 2);
      assert.equal((await job(row.id)).result.observed.uid, 2001);
    });

    it('forged jobs are refused and reported as AUTH failures, never run', async () => {
      const before = ops.runs.length;
      const forgedId = randomUUID();
      const forged = signEnvelope(buildEnvelope({ jobId: forgedId, serverId, tenantId: a.tenant.id, op: 'account.remove', params: { username: 'mpt3' }, ttlMs: 60_000 }), generateAgentKeyPair().privateKeyPem);
      const otherId = randomUUID();
      const key = (await server.request('GET', '/api/v1/plugins/provisioning-agent/settings', { token: a.token })).body;
      assert.equal(JSON.stringify(key).includes('PRIVATE KEY'), false, 'the job-signing key is never returned');
      const insert = (id: string, signed: ReturnType<typeof signEnvelope>) => server.knex('agent_jobs').insert({
        id, tenant_id: a.tenant.id, server_id: serverId, op: signed.envelope.op, envelope: JSON.stringify(signed.envelope), signature: signed.signature, expires_at: signed.envelope.expiresAt,
      });
      await insert(forgedId, forged);
      // Addressed to another server and signed by someone else.
      const other = signEnvelope(buildEnvelope({ jobId: otherId, serverId: randomUUID(), tenantId: a.tenant.id, op: 'account.remove', params: { username: 'mpt3' }, ttlMs: 60_000 }), generateAgentKeyPair().privateKeyPem);
      await insert(otherId, other);
      await until('refusals reported', async () => (await job(forgedId)).status === 'failed' && (await job(otherId)).status === 'failed');
      assert.equal((await job(forgedId)).result.code, 'AUTH');
      assert.match((await job(forgedId)).result.message, /refused \(signature\)/);
      assert.equal(ops.runs.length, before);
      assert.equal(ops.accounts.get('mpt3'), 'active');
    });

    it('the agent refuses an expired job and one for another server or tenant even when signed by the pinned key', async () => {
      const panel = generateAgentKeyPair();
      const pinned = { ...state, panelPublicKey: panel.publicKey };
      const j = await new Journal(join(stateDir, 'other-journal.jsonl')).open();
      const local = new AgentDaemon({ state: pinned, privateKeyPem, journal: j, runOp: ops.run });
      const before = ops.runs.length;
      const base = { serverId, tenantId: a.tenant.id, op: 'account.ensure', params: { username: 'mpt9', state: 'active' } };
      local.dispatch(signEnvelope(buildEnvelope({ ...base, jobId: randomUUID(), issuedAt: new Date(Date.now() - 120_000), ttlMs: 60_000 }), panel.privateKeyPem));
      local.dispatch(signEnvelope(buildEnvelope({ ...base, jobId: randomUUID(), serverId: randomUUID(), ttlMs: 60_000 }), panel.privateKeyPem));
      local.dispatch(signEnvelope(buildEnvelope({ ...base, jobId: randomUUID(), tenantId: b.tenant.id, ttlMs: 60_000 }), panel.privateKeyPem));
      local.dispatch(signEnvelope(buildEnvelope({ ...base, jobId: randomUUID(), op: 'shell.exec', ttlMs: 60_000 }), panel.privateKeyPem));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(ops.runs.length, before);
      assert.equal(local.runs, 0);
      await j.close();
    });

    it('the panel gives up on a slow agent: TIMEOUT, ambiguous; the late result is still stored', async () => {
      const set = await server.request('PUT', '/api/v1/plugins/provisioning-agent/settings', { token: a.token, body: { jobTimeoutSeconds: 2 } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      ops.slow.set('mpt4', 3500);
      await assert.rejects(module.create(callFor(a.tenant.id, serverId, 'mpt4')), (err: ProvisioningError) => err.code === 'TIMEOUT' && err.ambiguous && err.retryable);
      const row = await server.knex('agent_jobs').where({ op: 'account.ensure' }).orderBy('created_at', 'desc').first();
      await until('late result', async () => (await job(row.id)).status === 'succeeded');
      await server.request('PUT', '/api/v1/plugins/provisioning-agent/settings', { token: a.token, body: { jobTimeoutSeconds: 30 } });
      // What the platform does next: observe, and find the account there.
      assert.deepEqual(await module.observe(callFor(a.tenant.id, serverId, 'mpt4')), { exists: true, status: 'active', username: 'mpt4' });
      assert.equal(ops.count('account.ensure') >= 1, true);
    });
  });

  describe('the agent is down or the panel is', () => {
    it('a job nobody picks up: UNREACHABLE, retryable, withdrawn so it never runs later', async () => {
      await stopDaemon();
      // A poll the stopped daemon left open still hands out jobs until its window (1 s here) ends:
      // such a job is answered as ambiguous (the agent may have it), which is the safe side.
      await new Promise((r) => setTimeout(r, 1500));
      await server.request('PUT', '/api/v1/plugins/provisioning-agent/settings', { token: a.token, body: { jobTimeoutSeconds: 2 } });
      const before = ops.runs.length;
      await assert.rejects(module.create(callFor(a.tenant.id, serverId, 'mpt5')), (err: ProvisioningError) => err.code === 'UNREACHABLE' && err.retryable && !err.ambiguous);
      const row = await server.knex('agent_jobs').where({ op: 'account.ensure' }).orderBy('created_at', 'desc').first();
      assert.equal(row.status, 'cancelled');
      await server.request('PUT', '/api/v1/plugins/provisioning-agent/settings', { token: a.token, body: { jobTimeoutSeconds: 30 } });
      await startDaemon();
      await module.observe(callFor(a.tenant.id, serverId, 'mpt5'));
      assert.equal(ops.runs.slice(before).some((r) => r.op === 'account.ensure'), false);
      assert.equal(ops.accounts.has('mpt5'), false);
      await stopDaemon();
    });

    it('the daemon backs off while the panel is down and resumes when it is back', async () => {
      let hits = 0;
      const down: Server = createServer((_req, res) => {
        hits += 1;
        res.statusCode = 503;
        res.end('{"error":"down"}');
      });
      await new Promise<void>((r) => down.listen(0, '127.0.0.1', () => r()));
      const port = (down.address() as { port: number }).port;
      await startDaemon({ state: { ...state, panelUrl: `http://127.0.0.1:${port}` } });
      await new Promise((r) => setTimeout(r, 1500));
      const failures = daemon!.failures;
      await stopDaemon();
      await new Promise<void>((r) => down.close(() => r()));
      assert.ok(failures >= 3, `failures ${failures}`);
      // 50, 100, 200, 400, 400... ms (with jitter): a handful of calls in 1.5 s, not a hot loop.
      assert.ok(hits >= 3 && hits <= 12, `hits ${hits}`);
      await startDaemon();
      const res = await module.create(callFor(a.tenant.id, serverId, 'mpt6'));
      assert.equal(res.ok, true);
      assert.equal(daemon!.failures, 0);
    });
  });
});
