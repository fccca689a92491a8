import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { globalAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
 
import { dig, startPowerDnsLab, type PowerDnsLab } from '../../../test/support/powerdns-lab.ts';
 
import { startPebbleLab, type PebbleLab } from '../../../test/support/pebble-lab.ts';

/**
 * Issue 17 item 3, last sentence, on real services: a tenant's verified panel domain gets a
 * certificate from Pebble over http-01 answered by mPanel itself (Pebble's VA resolves the name
 * through the PowerDNS lab to 127.0.0.1 and fetches `/.well-known/acme-challenge/<token>` from the
 * mPanel test server's port); the pair lands in MPANEL_TLS_DIR (key 0600) and verifies against
 * Pebble's root. Unverified and another tenant's domains are refused before the CA is asked.
 * Ports 27400–27599 (PANELCERT_E2E_PORT_BASE moves them).
 */
const BASE = Number(process.env.PANELCERT_E2E_PORT_BASE ?? 27400);
const PORTS = { web: BASE + 10, pdns: BASE + 20, pebble: BASE + 30 };
const ZONE = 'panelcert.test';

describe('ssl end to end: a panel domain certificate from Pebble over http-01 served by mPanel', function () {
  this.timeout(600_000);
  let pdns: PowerDnsLab;
  let pebble: PebbleLab;
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  const plugins = mkdtempSync(join(tmpdir(), 'panelcert-plugins-'));
  const tls = mkdtempSync(join(tmpdir(), 'panelcert-tls-'));
  const domain = `panel-${process.pid}.${ZONE}`;
  const oldTlsDir = process.env.MPANEL_TLS_DIR;
  const req = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  let certId = '';
  let firstSerial = '';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function settle(id: string, done: (c: Record<string, any>) => boolean): Promise<Record<string, any>> {
    for (const until = Date.now() + 180_000; ;) {
      const c = (await req(a.token, 'GET', `/api/v1/certificates/${id}`)).body.data;
      if (!c.inProgress && done(c)) return c;
      if (Date.now() > until) throw new Error(`not settled: ${JSON.stringify(c)}\n${pebble.log().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  before(async function () {
    this.timeout(300_000);
    pdns = await startPowerDnsLab({ portBase: PORTS.pdns });
    pebble = await startPebbleLab({ port: PORTS.pebble, httpPort: PORTS.web, dnsServer: `127.0.0.1:${PORTS.pdns}` });
    // In-process: Node 20 reads NODE_EXTRA_CA_CERTS only at start, so the lab CA joins the default agent.
    globalAgent.options.ca = [...rootCertificates, readFileSync(pebble.caFile, 'utf8')];
    const res = await fetch(`${pdns.apiUrl}/api/v1/servers/localhost/zones`, {
      method: 'POST', headers: { 'X-API-Key': pdns.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `${ZONE}.`, kind: 'Native', nameservers: [`ns1.${ZONE}.`], rrsets: [
        { name: `${domain}.`, type: 'A', ttl: 60, records: [{ content: '127.0.0.1', disabled: false }] },
        { name: `pending-${domain}.`, type: 'A', ttl: 60, records: [{ content: '127.0.0.1', disabled: false }] },
      ] }),
    });
    assert.equal(res.status, 201, await res.text());
    assert.deepEqual(dig(pdns, domain, 'A').values, ['127.0.0.1']);
    process.env.MPANEL_TLS_DIR = tls;
    for (const name of ['billing', 'ssl']) symlinkSync(fileURLToPath(new URL(`../../${name}`, import.meta.url)), join(plugins, name));
    server = await startTestServer({ plugins: { directories: [plugins] }, env: { PORT: String(PORTS.web), MPANEL_ALLOW_PRIVATE_TARGETS: 'true' } });
    a = await createTenantWithAdmin(server, { slug: `pc-a-${process.pid}` });
    b = await createTenantWithAdmin(server, { slug: `pc-b-${process.pid}` });
    await server.knex('tenant_domains').insert([
      { tenant_id: a.tenant.id, domain, status: 'verified', verification_token: 't1', verified_at: new Date() },
      { tenant_id: a.tenant.id, domain: `pending-${domain}`, status: 'pending', verification_token: 't2' },
    ]);
    for (const t of [a, b]) {
      const s = await req(t.token, 'PUT', '/api/v1/plugins/ssl/settings', { directoryUrl: pebble.directoryUrl, email: `pc-${process.pid}@example.com`, preflight: true, preflightResolvers: [`127.0.0.1:${PORTS.pdns}`] });
      assert.ok(s.status < 300, JSON.stringify(s.body));
    }
  });
  after(async () => {
    await server?.close();
    await pebble?.stop();
    await pdns?.stop();
    if (oldTlsDir === undefined) delete process.env.MPANEL_TLS_DIR;
    else process.env.MPANEL_TLS_DIR = oldTlsDir;
    rmSync(plugins, { recursive: true, force: true });
    rmSync(tls, { recursive: true, force: true });
  });

  it('refuses an unverified domain and another tenant\'s domain: nothing stored, the CA not asked', async () => {
    const pending = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain: `pending-${domain}` });
    assert.equal(pending.status, 409, JSON.stringify(pending.body));
    const other = await req(b.token, 'POST', '/api/v1/panel-certificates', { domain });
    assert.equal(other.status, 404, JSON.stringify(other.body));
    assert.equal(Number((await server.knex('certificates').count<{ c: string }[]>('* as c'))[0]!.c), 0);
    assert.equal(Number((await server.knex('acme_accounts').count<{ c: string }[]>('* as c'))[0]!.c), 0, 'no ACME account was even made');
  });

  it('issues over http-01 answered by mPanel and installs cert + key (0600) that verify against Pebble\'s root', async () => {
    const res = await req(a.token, 'POST', '/api/v1/panel-certificates', { domain });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.data.challenge, 'http-01');
    const id = res.body.data.id as string;
    const cert = await settle(id, (c) => Boolean(c.installedAt) || c.failureCount > 0);
    certId = id;
    firstSerial = cert.serial;
    assert.equal(cert.failureCount, 0, `no failure: ${cert.lastError}\n${pebble.log().slice(-2000)}`);
    assert.equal(cert.status, 'active');
    assert.equal(cert.health, 'ok');
    assert.equal(cert.panelDomain, true);
    assert.ok(cert.installedAt);
    assert.equal(Number((await server.knex('panel_acme_challenges').count<{ c: string }[]>('* as c'))[0]!.c), 0, 'the token is removed after the order');

    const crtFile = join(tls, `${domain}.crt`);
    const keyFile = join(tls, `${domain}.key`);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the key is 0600');
    const chain = readFileSync(crtFile, 'utf8');
    const leaf = new X509Certificate(chain.split(/(?<=-----END CERTIFICATE-----)/)[0]!.trim());
    assert.ok(leaf.checkHost(domain), 'the certificate is for the panel domain');
    assert.equal(leaf.serialNumber, cert.serial);
    assert.ok(leaf.checkPrivateKey(createPrivateKey(readFileSync(keyFile))), 'the key matches the certificate');
    const rootFile = join(tls, 'pebble-root.pem');
    writeFileSync(rootFile, await pebble.rootPem());
    const v = spawnSync('openssl', ['verify', '-CAfile', rootFile, '-untrusted', crtFile, crtFile], { encoding: 'utf8' });
    assert.equal(v.status, 0, `${v.stdout}${v.stderr}`);
    assert.match(v.stdout, /: OK/);
  });

  it('"renew now" orders again through the same path and replaces the pair in place', async () => {
    const r = await req(a.token, 'POST', `/api/v1/certificates/${certId}/renewals`);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const cert = await settle(certId, (c) => c.serial !== firstSerial || c.failureCount > 0);
    assert.equal(cert.failureCount, 0, cert.lastError);
    const leaf = new X509Certificate(readFileSync(join(tls, `${domain}.crt`), 'utf8').split(/(?<=-----END CERTIFICATE-----)/)[0]!.trim());
    assert.equal(leaf.serialNumber, cert.serial, 'the file holds the renewed certificate');
    assert.notEqual(leaf.serialNumber, firstSerial);
    assert.ok(leaf.checkPrivateKey(createPrivateKey(readFileSync(join(tls, `${domain}.key`)))));
  });

  it('without MPANEL_TLS_DIR the install fails visibly (counted, plain error, back-off) and the certificate stays active', async () => {
    delete process.env.MPANEL_TLS_DIR;
    try {
      const r = await req(a.token, 'POST', `/api/v1/certificates/${certId}/renewals`);
      assert.equal(r.status, 202);
      const cert = await settle(certId, (c) => c.failureCount > 0);
      assert.equal(cert.failureCount, 1);
      assert.match(cert.lastError, /installing it on the server failed: MPANEL_TLS_DIR is not set/);
      assert.equal(cert.status, 'active');
      assert.equal(cert.installedAt, null);
      assert.ok(Date.parse(cert.nextAttemptAt) > Date.now() + 30 * 60_000, 'retried after the back-off');
    } finally {
      process.env.MPANEL_TLS_DIR = tls;
    }
  });

  it('once MPANEL_TLS_DIR is set again, the sweep installs the issued pair again without a new order', async function () {
    this.timeout(200_000);
    const failed = (await req(a.token, 'GET', `/api/v1/certificates/${certId}`)).body.data;
    assert.equal(failed.installedAt, null);
    rmSync(join(tls, `${domain}.crt`));
    // The back-off is over (as an hour later); the per-minute ssl.sweep takes it.
    await server.knex('certificates').where({ id: certId }).update({ next_attempt_at: new Date(Date.now() - 1000) });
    const cert = await settle(certId, (c) => Boolean(c.installedAt));
    assert.equal(cert.serial, failed.serial, 'no new order: the stored certificate was installed');
    assert.equal(cert.failureCount, 0);
    const leaf = new X509Certificate(readFileSync(join(tls, `${domain}.crt`), 'utf8').split(/(?<=-----END CERTIFICATE-----)/)[0]!.trim());
    assert.equal(leaf.serialNumber, failed.serial);
  });
});
