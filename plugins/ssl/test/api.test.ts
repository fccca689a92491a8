import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { HostingSitesService, PluginContext } from '@mpanel/sdk';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
 
import { must, seedGroup, seedService } from '../../hosting/test/support/seed.ts';
import { sweepTenant } from '../src/certificates.ts';
import type { SslSettings } from '../src/settings.ts';

const DAY = 86_400_000;

/**
 * The certificates API and the renewal sweep on embedded PostgreSQL (billing + hosting + ssl):
 * validation, the challenge choice, tenant and client isolation, the issuance job's failure path
 * (pre-flight stops a name that does not resolve), and the sweep's claims, expiry and alerts.
 */
describe('ssl API and sweep', function () {
  this.timeout(300_000);
  let server: TestServer;
  let dir: string;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let siteA: { id: string; domain: string };
  let siteOther: { id: string; domain: string };
  let clientToken: string;
  let otherClientToken: string;
  const req = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpanel-ssl-plugins-'));
    for (const name of ['billing', 'hosting', 'ssl']) symlinkSync(fileURLToPath(new URL(`../../${name}`, import.meta.url)), join(dir, name));
    server = await startTestServer({ plugins: { directories: [dir] } });
    a = await createTenantWithAdmin(server, { slug: 'ssl-a' });
    b = await createTenantWithAdmin(server, { slug: 'ssl-b' });
    // Nothing listens on port 1: the pre-flight's lookups fail at once (no network in unit tests).
    await must(server, a.token, 'PUT', '/api/v1/plugins/ssl/settings', { preflightResolvers: ['127.0.0.1:1'] });
    const { plan } = await seedGroup(server, a.token, 'least_full', [{}]);
    const mine = await seedService(server, a.token, plan.id);
    const acct = await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: mine.serviceId });
    siteA = await must(server, a.token, 'POST', `/api/v1/hosting-accounts/${acct.id}/websites`, { domain: 'shop.ssl-a.test', aliases: ['www.shop.ssl-a.test'] });
    clientToken = (await createUser(server, a.token, ['client'], { tenant: 'ssl-a', clientId: mine.clientId })).token;
    const other = await seedService(server, a.token, plan.id);
    const acct2 = await must(server, a.token, 'POST', '/api/v1/hosting-accounts', { serviceId: other.serviceId });
    siteOther = await must(server, a.token, 'POST', `/api/v1/hosting-accounts/${acct2.id}/websites`, { domain: 'other.ssl-a.test' });
    otherClientToken = (await createUser(server, a.token, ['client'], { tenant: 'ssl-a', clientId: other.clientId })).token;
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function settled(id: string): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const until = Date.now() + 30_000;
    for (;;) {
      const c = await must(server, a.token, 'GET', `/api/v1/certificates/${id}`);
      if (!c.inProgress) return c;
      if (Date.now() > until) throw new Error(`still in progress: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  let certId = '';

  it('a client requests one for its own website: http-01 chosen, queued; the job\'s pre-flight stops a name that does not resolve, counted and retried in an hour', async () => {
    const started = Date.now();
    const res = await req(clientToken, 'POST', '/api/v1/certificates', { names: ['Shop.SSL-A.test.', 'www.shop.ssl-a.test', 'shop.ssl-a.test'] });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const c = res.body.data;
    assert.deepEqual(c.names, ['shop.ssl-a.test', 'www.shop.ssl-a.test'], 'normalised, duplicates dropped');
    assert.equal(c.challenge, 'http-01');
    assert.equal(c.siteId, siteA.id);
    assert.equal(c.status, 'pending');
    assert.equal('privateKey' in c || 'private_key' in c, false);
    certId = c.id;
    const done = await settled(certId);
    assert.equal(done.status, 'failed');
    assert.equal(done.failureCount, 1);
    assert.equal(done.health, 'failing');
    assert.match(done.lastError, /shop\.ssl-a\.test does not resolve .*The CA was not asked/);
    const retry = Date.parse(done.nextAttemptAt) - started;
    assert.ok(retry > 59 * 60_000 && retry < 61 * 60_000 + 30_000, `retry in an hour: ${retry}`);
    const summary = await must(server, clientToken, 'GET', '/api/v1/certificates/summary');
    assert.deepEqual([summary.total, summary.failing, summary.attention], [1, 1, 1]);
  });

  it('refuses bad input with 400 and changes nothing; a second request for the same name is 409', async () => {
    const count = async () => Number((await server.knex('certificates').count('* as n'))[0]!.n);
    const before = await count();
    const cases: Array<[unknown, string]> = [
      [{ names: ['bad host!'] }, 'names[0]'],
      [{ names: [] }, ''],
      [{ names: Array.from({ length: 101 }, (_, i) => `n${i}.shop.ssl-a.test`) }, ''],
      [{ names: ['127.0.0.1'] }, 'names[0]'],
      [{ names: ['a.*.ssl-a.test'] }, 'names[0]'],
      [{ names: ['*.shop.ssl-a.test'], siteId: siteA.id }, 'challenge'],
      [{ names: ['shop.ssl-a.test', 'unrelated.test'], siteId: siteA.id }, 'names[1]'],
      [{ names: ['shop.ssl-a.test'], challenge: 'tls-alpn-01' }, ''],
      [{ names: ['nosite.example.test'] }, 'challenge'],
      [{ names: ['shop.ssl-a.test'], extra: 1 }, ''],
    ];
    for (const [body, field] of cases) {
      const res = await req(a.token, 'POST', '/api/v1/certificates', body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${res.status} ${JSON.stringify(res.body)}`);
      if (field) assert.ok(field in (res.body.details ?? {}), `${JSON.stringify(res.body)} names ${field}`);
    }
    assert.match((await req(a.token, 'POST', '/api/v1/certificates', { names: ['*.shop.ssl-a.test'] })).body.details.challenge, /dns-01.*no DNS plugin/);
    assert.equal((await req(a.token, 'POST', '/api/v1/certificates', { names: ['shop.ssl-a.test'] })).status, 409);
    assert.equal(await count(), before);
  });

  it('keeps tenants and clients apart: another tenant\'s and another client\'s ids are 404, lists show only their own', async () => {
    for (const [method, path] of [['GET', `/api/v1/certificates/${certId}`], ['POST', `/api/v1/certificates/${certId}/renewals`], ['PATCH', `/api/v1/certificates/${certId}`], ['DELETE', `/api/v1/certificates/${certId}`]] as const) {
      const body = method === 'PATCH' ? { autoRenew: false } : undefined;
      assert.equal((await req(b.token, method, path, body)).status, 404, `tenant B ${method} ${path}`);
      assert.equal((await req(otherClientToken, method, path, body)).status, 404, `other client ${method} ${path}`);
    }
    assert.equal((await req(b.token, 'POST', '/api/v1/certificates', { names: ['shop.ssl-a.test'], siteId: siteA.id })).status, 404, 'tenant B cannot name tenant A\'s website');
    assert.equal((await req(otherClientToken, 'POST', '/api/v1/certificates', { names: ['shop.ssl-a.test'], siteId: siteA.id })).status, 404, 'nor another client');
    const byName = await req(otherClientToken, 'POST', '/api/v1/certificates', { names: ['shop.ssl-a.test'] });
    assert.equal(byName.status, 404, 'finding the site by name does not help another client');
    assert.deepEqual((await must(server, b.token, 'GET', '/api/v1/certificates')), []);
    assert.deepEqual((await must(server, otherClientToken, 'GET', '/api/v1/certificates')), []);
    assert.equal((await must(server, b.token, 'GET', '/api/v1/certificates/summary')).total, 0);
    const list = await req(clientToken, 'GET', '/api/v1/certificates?perPage=5');
    assert.deepEqual([list.status, list.body.data.map((c: { id: string }) => c.id), list.body.meta.total], [200, [certId], 1]);
    assert.equal((await req(clientToken, 'GET', '/api/v1/certificates?health=failing')).body.data.length, 1);
    assert.equal((await req(clientToken, 'GET', '/api/v1/certificates?health=ok')).body.data.length, 0);
    assert.equal((await req(clientToken, 'GET', '/api/v1/certificates?perPage=1000')).status, 400);
    assert.equal((await req(a.token, 'GET', '/api/v1/certificates/not-a-uuid')).status, 400);
    const owned = await req(otherClientToken, 'POST', '/api/v1/certificates', { names: ['other.ssl-a.test'] });
    assert.equal(owned.status, 202, 'the other client can request for its own site');
    assert.equal(owned.body.data.siteId, siteOther.id);
  });

  it('"renew now" is one run at a time: concurrent calls get one 202, the rest 409', async () => {
    await settled(certId);
    const answers = await Promise.all(Array.from({ length: 5 }, () => req(clientToken, 'POST', `/api/v1/certificates/${certId}/renewals`)));
    assert.deepEqual(answers.map((r) => r.status).sort(), [202, 409, 409, 409, 409]);
    const done = await settled(certId);
    assert.equal(done.failureCount, 2, 'the renewal ran once more and failed again');
    const retry = Date.parse(done.nextAttemptAt) - Date.now();
    assert.ok(retry > 115 * 60_000 && retry <= 120 * 60_000, `second back-off two hours: ${retry}`);
    const patched = await must(server, clientToken, 'PATCH', `/api/v1/certificates/${certId}`, { autoRenew: false });
    assert.equal(patched.autoRenew, false);
  });

  describe('hosting.sites (the seam hosting provides)', () => {
    const service = () => (server.running.platform.container.cradle.pluginServices.get('hosting.sites') as { impl: HostingSitesService }).impl;
    const inTenant = <R>(tenantId: string, fn: (trx: Knex.Transaction) => Promise<R>) => server.knex.transaction(fn);

    it('finds a live website by its domain or an alias (any case), only in its own tenant, never a removed one', async () => {
      const viaAlias = await inTenant(a.tenant.id, (trx) => service().forTenant(trx, a.tenant.id).findByName('WWW.Shop.ssl-a.test'));
      assert.equal(viaAlias?.id, siteA.id);
      assert.deepEqual([viaAlias?.domain, viaAlias?.aliases], ['shop.ssl-a.test', ['www.shop.ssl-a.test']]);
      assert.ok(viaAlias?.clientId && viaAlias.accountId && viaAlias.serverId);
      assert.equal(await inTenant(b.tenant.id, (trx) => service().forTenant(trx, b.tenant.id).findByName('shop.ssl-a.test')), null, 'another tenant');
      assert.equal(await inTenant(b.tenant.id, (trx) => service().forTenant(trx, b.tenant.id).get(siteA.id)), null);
      await server.knex('websites').where({ id: siteOther.id }).update({ state: 'removed' });
      try {
        assert.equal(await inTenant(a.tenant.id, (trx) => service().forTenant(trx, a.tenant.id).findByName('other.ssl-a.test')), null, 'removed');
      } finally {
        await server.knex('websites').where({ id: siteOther.id }).update({ state: 'creating' });
      }
    });

    it('reaching the server says why it cannot: no module for the server, another tenant\'s site is not found', async () => {
      await assert.rejects(service().putChallenge(a.tenant.id, siteA.id, { token: 'tok', keyAuthorization: 'tok.thumb' }), /No provisioning module "mpanel-agent" is active/);
      await assert.rejects(service().installCertificate(b.tenant.id, siteA.id, { certificateId: certId, certPem: 'x', keyPem: 'y' }), /Website not found/);
      assert.equal((await server.knex('websites').where({ id: siteA.id }).first('certificate_id')).certificate_id, null, 'nothing recorded on a failed install');
    });
  });

  describe('sweep', () => {
    const enqueued: string[] = [];
    const notified: Array<{ type: string; title: string; idempotencyKey?: string }> = [];
    const mails: Array<{ template: string; to: { email: string } }> = [];
    let tenantId = '';
    let clientId = '';
    const fakePlugin = () => ({
      db: { transaction: <R>(_t: string, fn: (trx: Knex.Transaction) => Promise<R>) => server.knex.transaction(fn) },
      jobs: { enqueue: async (_name: string, data: { certificateId: string }) => { enqueued.push(data.certificateId); return 'job'; } },
      services: {
        tryResolve: (ref: { id: string }) => (ref.id === 'notifications'
          ? { notify: async (n: { type: string; title: string; idempotencyKey?: string }) => { notified.push(n); return 1; }, sendMail: async (m: { template: string; to: { email: string } }) => { mails.push(m); return 'mail'; } }
          : undefined),
      },
      logger: { warn: () => undefined, info: () => undefined },
    }) as unknown as PluginContext<SslSettings>;
    const deps = () => ({ plugin: fakePlugin(), metrics: { issued: () => undefined } });

    async function insert(row: Record<string, unknown>): Promise<string> {
      const [r] = await server.knex('certificates').insert({ tenant_id: tenantId, challenge: 'http-01', status: 'active', client_id: clientId, ...row }).returning('id');
      return (r as { id: string }).id;
    }

    before(async () => {
      const t = await createTenantWithAdmin(server, { slug: 'ssl-sweep' });
      tenantId = t.tenant.id;
      clientId = (await must(server, t.token, 'POST', '/api/v1/clients', { email: 'owner@sweep.test', firstName: 'S', lastName: 'W', country: 'US', currency: 'USD' })).id;
    });

    it('claims what is due (renewals, retries after back-off, stale claims), marks the expired, alerts once per lifetime under a sixth left', async () => {
      const now = new Date('2027-06-01T12:00:00Z');
      const at = (days: number) => new Date(now.getTime() + days * DAY);
      const ids = {
        due: await insert({ names: ['due.test'], primary_name: 'due.test', not_before: at(-61), not_after: at(29), renew_at: at(-0.01) }),
        notYet: await insert({ names: ['later.test'], primary_name: 'later.test', not_before: at(-10), not_after: at(80), renew_at: at(50) }),
        backingOff: await insert({ names: ['backoff.test'], primary_name: 'backoff.test', not_before: at(-70), not_after: at(20), renew_at: at(-10), failure_count: 3, next_attempt_at: at(0.1) }),
        retryNow: await insert({ names: ['retry.test'], primary_name: 'retry.test', status: 'failed', failure_count: 1, next_attempt_at: at(-0.001) }),
        busy: await insert({ names: ['busy.test'], primary_name: 'busy.test', status: 'pending', in_progress_since: at(-0.001) }),
        stale: await insert({ names: ['stale.test'], primary_name: 'stale.test', status: 'pending', in_progress_since: at(-1) }),
        expiring: await insert({ names: ['expiring.test'], primary_name: 'expiring.test', not_before: at(-80), not_after: at(10), renew_at: at(-20), failure_count: 5, next_attempt_at: at(0.5), last_error: 'The CA could not look up the name in DNS.' }),
        expired: await insert({ names: ['expired.test'], primary_name: 'expired.test', not_before: at(-91), not_after: at(-1), renew_at: at(-31), auto_renew: false, next_attempt_at: at(1) }),
        manual: await insert({ names: ['manual.test'], primary_name: 'manual.test', not_before: at(-70), not_after: at(20), renew_at: at(-10), auto_renew: false }),
      };
      const first = await sweepTenant(deps(), tenantId, now);
      assert.deepEqual(new Set(enqueued), new Set([ids.due, ids.retryNow, ids.stale]), `claimed: ${JSON.stringify(enqueued)}`);
      assert.equal(first.queued, 3);
      const rows = await server.knex('certificates').where({ tenant_id: tenantId }).select('id', 'status', 'in_progress_since', 'alerted_for');
      const byId = new Map(rows.map((r) => [r.id, r]));
      assert.equal(byId.get(ids.expired)!.status, 'expired');
      assert.ok(byId.get(ids.due)!.in_progress_since, 'claimed rows carry the claim');
      assert.equal(byId.get(ids.notYet)!.in_progress_since, null);
      assert.equal(first.alerted, 2, 'expiring (10 of 90 days left) and expired');
      assert.deepEqual(notified.map((n) => n.type), ['ssl.certificate.expiring', 'ssl.certificate.expiring']);
      assert.ok(notified.some((n) => /expiring\.test expires in 10 day/.test(n.title)));
      assert.ok(notified.some((n) => /expired\.test has expired/.test(n.title)));
      assert.deepEqual(mails.map((m) => [m.template, m.to.email]), [['ssl.certificate.expiring', 'owner@sweep.test'], ['ssl.certificate.expiring', 'owner@sweep.test']]);
      assert.equal(first.counts.expired, 1);
      assert.equal(first.counts.expiring, 1);

      enqueued.length = 0;
      const second = await sweepTenant(deps(), tenantId, new Date(now.getTime() + 60_000));
      assert.deepEqual([second.queued, second.alerted, enqueued.length], [0, 0, 0], 'claimed rows are not claimed twice, alerts are not repeated');
    });
  });
});
