import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import type { Knex } from 'knex';
import type { PluginContext } from '@mpanel/sdk';
import { sweepTenant, writeTlsPair } from '../src/certificates.ts';
import type { SslSettings } from '../src/settings.ts';

/**
 * Certificates for the panel's own host names on embedded PostgreSQL: only a verified panel
 * domain of the caller's tenant is accepted (unverified 409, unknown / another tenant's /
 * platform names 404, bad input 400), nothing is queued for a refusal, and the public
 * `/.well-known/acme-challenge/<token>` answers a pending token only on its own domain.
 */
describe('ssl: panel domain certificates', function () {
  this.timeout(300_000);
  let server: TestServer;
  let dir: string;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  const req = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const count = async () => Number((await server.knex('certificates').count<{ c: string }[]>('* as c'))[0]!.c);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpanel-sslpanel-plugins-'));
    for (const name of ['billing', 'dns', 'ssl']) symlinkSync(fileURLToPath(new URL(`../../${name}`, import.meta.url)), join(dir, name));
    server = await startTestServer({ plugins: { directories: [dir] } });
    a = await createTenantWithAdmin(server, { slug: 'sslpanel-a' });
    b = await createTenantWithAdmin(server, { slug: 'sslpanel-b' });
    await server.knex('tenant_domains').insert([
      { tenant_id: a.tenant.id, domain: 'panel.a-host.test', status: 'verified', verification_token: 'x1', verified_at: new Date() },
      { tenant_id: a.tenant.id, domain: 'pending.a-host.test', status: 'pending', verification_token: 'x2' },
      { tenant_id: a.tenant.id, domain: 'admin.a-host.test', status: 'verified', verification_token: 'x4', verified_at: new Date() },
      { tenant_id: a.tenant.id, domain: 'panel.zone-a.test', status: 'verified', verification_token: 'x3', verified_at: new Date() },
    ]);
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses unverified, unknown, platform and another tenant\'s domains, and bad input, without a row', async () => {
    const before = await count();
    const pending = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain: 'pending.a-host.test' });
    assert.equal(pending.status, 409, JSON.stringify(pending.body));
    assert.match(pending.body.error, /not verified/);
    const unknown = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain: 'nobody.a-host.test' });
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
    const platform = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain: 'localhost.localdomain' });
    assert.equal(platform.status, 404, JSON.stringify(platform.body));
    const other = await req(b.token, 'POST', '/api/v1/panel-certificates', { domain: 'panel.a-host.test' });
    assert.equal(other.status, 404, 'tenant B cannot see A\'s domain');
    for (const body of [{ domain: '*.a-host.test' }, { domain: '127.0.0.1' }, { domain: 'panel.a-host.test', challenge: 'tls-alpn-01' }, { domain: 'panel.a-host.test', extra: 1 }, {}]) {
      const bad = await req(a.token, 'POST', '/api/v1/panel-certificates', body);
      assert.equal(bad.status, 400, `${JSON.stringify(body)} → ${bad.status} ${JSON.stringify(bad.body)}`);
    }
    assert.equal(await count(), before, 'no certificate row was made');
  });

  it('accepts a verified panel domain once: http-01, panelDomain, no site; a second request is a 409', async () => {
    const res = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain: 'Panel.A-Host.test' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body.data.names, ['panel.a-host.test']);
    assert.equal(res.body.data.challenge, 'http-01');
    assert.equal(res.body.data.panelDomain, true);
    assert.equal(res.body.data.siteId, null);
    const again = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain: 'panel.a-host.test' });
    assert.equal(again.status, 409);
    const seenByB = await req(b.token, 'GET', `/api/v1/certificates/${res.body.data.id}`);
    assert.equal(seenByB.status, 404);
  });

  it('picks dns-01 when the panel domain\'s zone is hosted in mPanel\'s DNS (tenant B\'s zone of the same name does not count)', async () => {
    const zb = await req(b.token, 'POST', '/api/v1/dns/zones', { name: 'a-host.test' });
    assert.equal(zb.status, 201, JSON.stringify(zb.body));
    const za = await req(a.token, 'POST', '/api/v1/dns/zones', { name: 'zone-a.test' });
    assert.equal(za.status, 201, JSON.stringify(za.body));
    const res = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain: 'panel.zone-a.test', autoRenew: false });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.data.challenge, 'dns-01');
    assert.equal(res.body.data.autoRenew, false);
    const viaB = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain: 'admin.a-host.test' });
    assert.equal(viaB.status, 202, JSON.stringify(viaB.body));
    assert.equal(viaB.body.data.challenge, 'http-01', 'B\'s zone is not A\'s: http-01');
  });

  it('answers /.well-known/acme-challenge/<token> only on the domain the token is for', async () => {
    await server.knex('panel_acme_challenges').insert({ tenant_id: a.tenant.id, domain: 'panel.a-host.test', token: 'tok_123-abc', key_authorization: 'tok_123-abc.thumb' });
    // node:http (fetch would not send a Host of our choosing).
    const get = (host: string, token = 'tok_123-abc') => new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
      const r = httpRequest(`${server.url}/.well-known/acme-challenge/${token}`, { headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
      });
      r.on('error', reject).end();
    });
    const okRes = await get(`panel.a-host.test:${new URL(server.url).port}`);
    assert.equal(okRes.status, 200, okRes.body);
    assert.equal(okRes.body, 'tok_123-abc.thumb');
    assert.match(okRes.type, /^text\/plain/);
    assert.equal((await get('pending.a-host.test')).status, 404, 'a pending claim resolves to no tenant of A');
    assert.equal((await get('127.0.0.1')).status, 404, 'the platform host does not answer A\'s token');
    assert.equal((await get('panel.a-host.test', 'nope')).status, 404);
    assert.equal((await get('panel.a-host.test', 'bad.token')).status, 404);
  });

  it("releasing a verified domain drops its panel certificate within a sweep: row and installed pair, never another's files", async () => {
    const tls = mkdtempSync(join(tmpdir(), 'mpanel-tls-'));
    const saved = process.env.MPANEL_TLS_DIR;
    process.env.MPANEL_TLS_DIR = tls;
    const plugin = {
      db: { transaction: <R>(_t: string, fn: (trx: Knex.Transaction) => Promise<R>) => server.knex.transaction(fn) },
      jobs: { enqueue: async () => 'job' },
      services: { tryResolve: () => undefined },
      logger: { warn: () => undefined, info: () => undefined },
    } as unknown as PluginContext<SslSettings>;
    const sweep = () => sweepTenant({ plugin, metrics: { issued: () => undefined } }, a.tenant.id, new Date());
    const cert = async (name: string, pem: string) => {
      const [row] = (await server.knex('certificates').insert({
        tenant_id: a.tenant.id, names: [name], primary_name: name, challenge: 'http-01', status: 'active', panel_domain: true, auto_renew: false,
        certificate_pem: pem, installed_at: new Date(), not_before: new Date(), not_after: new Date(Date.now() + 80 * 86_400_000), renew_at: new Date(Date.now() + 50 * 86_400_000),
      }).returning('id')) as Array<{ id: string }>;
      return row!.id;
    };
    const release = async (domain: string) => {
      const [row] = await server.knex('tenant_domains').where({ tenant_id: a.tenant.id, domain });
      const res = await req(a.token, 'DELETE', `/api/v1/tenants/${a.tenant.id}/domains/${row.id}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    await server.knex('tenant_domains').insert([
      { tenant_id: a.tenant.id, domain: 'rel.a-host.test', status: 'verified', verification_token: 'x5', verified_at: new Date() },
      { tenant_id: a.tenant.id, domain: 'rel2.a-host.test', status: 'verified', verification_token: 'x6', verified_at: new Date() },
    ]);
    try {
      const released = await cert('rel.a-host.test', 'CERT-ADMIN');
      writeTlsPair(tls, 'rel.a-host.test', 'CERT-ADMIN', 'KEY-ADMIN');
      const kept = await cert('rel2.a-host.test', 'CERT-ZONE');
      writeTlsPair(tls, 'rel2.a-host.test', 'CERT-ZONE', 'KEY-ZONE');
      await sweep();
      assert.equal((await server.knex('certificates').whereIn('id', [released, kept])).length, 2, 'verified domains keep their certificates');
      assert.ok(existsSync(join(tls, 'rel.a-host.test.crt')));
      // B cannot release A's domain (404 under either path), and nothing is dropped for trying.
      const [adminRow] = await server.knex('tenant_domains').where({ tenant_id: a.tenant.id, domain: 'rel.a-host.test' });
      assert.equal((await req(b.token, 'DELETE', `/api/v1/tenants/${a.tenant.id}/domains/${adminRow.id}`)).status, 404);
      assert.equal((await req(b.token, 'DELETE', `/api/v1/tenants/${b.tenant.id}/domains/${adminRow.id}`)).status, 404);
      await sweep();
      assert.equal((await server.knex('certificates').where({ id: released })).length, 1);

      await release('rel.a-host.test');
      await sweep();
      assert.deepEqual(await server.knex('certificates').where({ id: released }), [], 'the released domain\'s certificate row is gone');
      assert.deepEqual(readdirSync(tls).sort(), ['rel2.a-host.test.crt', 'rel2.a-host.test.key'], 'its pair left the TLS directory, the other stayed');

      // The name's files now hold another certificate (another tenant verified and issued since): left alone.
      await release('rel2.a-host.test');
      writeFileSync(join(tls, 'rel2.a-host.test.crt'), 'SOMEONE-ELSES-CERT');
      await sweep();
      assert.deepEqual(await server.knex('certificates').where({ id: kept }), []);
      assert.equal(readFileSync(join(tls, 'rel2.a-host.test.crt'), 'utf8'), 'SOMEONE-ELSES-CERT');
    } finally {
      if (saved === undefined) delete process.env.MPANEL_TLS_DIR;
      else process.env.MPANEL_TLS_DIR = saved;
      rmSync(tls, { recursive: true, force: true });
    }
  });

  it('writes the pair atomically: key 0600, no temp files left, replaced on renewal', () => {
    const tls = mkdtempSync(join(tmpdir(), 'mpanel-tls-'));
    try {
      writeTlsPair(tls, 'panel.a-host.test', 'CERT1', 'KEY1');
      writeTlsPair(tls, 'panel.a-host.test', 'CERT2', 'KEY2');
      assert.deepEqual(readdirSync(tls).sort(), ['panel.a-host.test.crt', 'panel.a-host.test.key']);
      assert.equal(statSync(join(tls, 'panel.a-host.test.key')).mode & 0o777, 0o600);
      assert.equal(readFileSync(join(tls, 'panel.a-host.test.crt'), 'utf8'), 'CERT2');
      assert.throws(() => writeTlsPair(tls, '../etc/passwd', 'x', 'y'), /refusing/);
    } finally {
      rmSync(tls, { recursive: true, force: true });
    }
  });
});
