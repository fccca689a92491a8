import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
 
import { startHosting, type Hosting } from '../../../test/hosting/support/suite.ts';
 
import { order, pay, untilActive, type AccountView } from '../../../test/hosting/support/fixtures.ts';
 
import { eventually } from '../../../test/hosting/support/panel.ts';
 
import { docrootOf, linuxUser, viaNginx } from '../../../test/hosting/support/server-state.ts';
 
import { dig, startPowerDnsLab, type PowerDnsLab } from '../../../test/support/powerdns-lab.ts';
 
import { startPebbleLab, type PebbleLab } from '../../../test/support/pebble-lab.ts';

/**
 * Issue 17 part 3 on real services: mPanel (web + worker on PostgreSQL and Redis) with
 * mpanel-agent on the hosting lab's nginx, Pebble validating for real through a private PowerDNS
 * (names) and that nginx (http-01 tokens in the site's root-owned challenge directory), Pebble's
 * default 5 % nonce rejections left on. Ports 25400–25599.
 */
// SSL_E2E_PORT_BASE moves the whole range (a second checkout running this file at the same time).
const BASE = Number(process.env.SSL_E2E_PORT_BASE ?? 25400);
const PORTS = { web: BASE + 10, pdns: BASE + 20, pebble: BASE + 30, labBase: BASE /* nginx +80 */, tls: BASE + 90 };
const ZONE = 'ssltest.test';

interface CertView {
  id: string; names: string[]; status: string; health: string; challenge: string; failureCount: number; lastError: string | null;
  nextAttemptAt: string | null; notBefore: string | null; notAfter: string | null; renewAt: string | null; serial: string | null;
  installedAt: string | null; issuedAt: string | null; inProgress: boolean; siteId: string | null;
}

describe('ssl end to end: Pebble → PowerDNS + agent nginx → certificate served and renewed', function () {
  this.timeout(900_000);
  let h: Hosting;
  let pdns: PowerDnsLab;
  let pebble: PebbleLab;
  let root = '';
  const work = mkdtempSync(join(tmpdir(), 'ssl-e2e-'));
  let account: AccountView;
  let site: { id: string; domain: string; docroot: string };
  let cert: CertView;
  let cert3: CertView;
  const tag = `ssl${process.pid}`;

  const pdnsApi = (path: string, init: RequestInit = {}) =>
    fetch(`${pdns.apiUrl}/api/v1/servers/localhost${path}`, { ...init, headers: { 'X-API-Key': pdns.apiKey, 'Content-Type': 'application/json' } });
  const addA = async (name: string, ip = '127.0.0.1') => {
    const res = await pdnsApi(`/zones/${ZONE}.`, { method: 'PATCH', body: JSON.stringify({ rrsets: [{ name: `${name}.`, type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: ip, disabled: false }] }] }) });
    assert.equal(res.status, 204, await res.text());
    assert.deepEqual(dig(pdns, name, 'A').values, [ip]);
  };
  const get = (id: string) => h.panel.ok<CertView>('GET', `/api/v1/certificates/${id}`);
  const settle = (id: string, what: string, done: (c: CertView) => boolean, ms = 180_000) =>
    eventually(what, async () => {
      const c = await get(id);
      return !c.inProgress && done(c) ? c : null;
    }, ms, 500).catch(async (err: Error) => {
      const jobs = await h.panel.knex('agent_jobs').orderBy('created_at', 'desc').limit(12).select('op', 'status', 'created_at', 'result');
      const ops = await h.panel.knex('provisioning_operations').orderBy('created_at', 'desc').limit(6).select('action', 'status', 'created_at', 'error_message');
      const sites = (() => { try { return readdirSync(join(h.lab.env.stateDir ?? '', 'sites')); } catch (e) { return String(e); } })();
      throw new Error(`${err.message}\n${JSON.stringify({ ...(await get(id)), certificatePem: undefined })}\nagent jobs: ${JSON.stringify(jobs).slice(0, 4000)}\nops: ${JSON.stringify(ops)}\nsites on the lab: ${JSON.stringify(sites)}\nworker:\n${h.panel.output('worker').slice(-3000)}`);
    });

  /** What nginx serves for `name` on the TLS listener: curl verifies against Pebble's root; node reads the serial. */
  async function served(name: string): Promise<{ verify: string; serial: string; body: string }> {
    const rootFile = join(work, 'root0.pem');
    writeFileSync(rootFile, root);
    const curl = spawnSync('curl', ['-s', '-w', '\n%{ssl_verify_result} %{http_code} %{http_version}', '--http2', '--cacert', rootFile,
      '--resolve', `${name}:${PORTS.tls}:127.0.0.1`, `https://${name}:${PORTS.tls}/hello.txt`], { encoding: 'utf8' });
    const lines = curl.stdout.trim().split('\n');
    const serial = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: PORTS.tls, servername: name, ca: root }, () => {
        const c = s.getPeerCertificate();
        s.end();
        resolve(c.serialNumber);
      });
      s.on('error', reject);
    });
    return { verify: lines.pop() ?? '', serial, body: lines.join('\n') };
  }

  before(async function () {
    this.timeout(400_000);
    pdns = await startPowerDnsLab({ portBase: PORTS.pdns });
    pebble = await startPebbleLab({ port: PORTS.pebble, httpPort: PORTS.labBase + 80, dnsServer: `127.0.0.1:${PORTS.pdns}` });
    root = await pebble.rootPem();
    h = await startHosting({
      portBase: PORTS.labBase, webPort: PORTS.web, tag, tlsPort: PORTS.tls,
      panelEnv: {
        NODE_EXTRA_CA_CERTS: pebble.caFile, MPANEL_ALLOW_PRIVATE_TARGETS: 'true',
      },
    });
    // dns.zones is the real dns plugin publishing to the lab PowerDNS through dns-powerdns (as test/dns/dns-e2e does).
    await h.panel.ok('PUT', '/api/v1/plugins/dns-powerdns/settings', { apiUrl: pdns.apiUrl, apiKey: pdns.apiKey, nameservers: [`ns1.${ZONE}.`], timeoutSeconds: 5 });
    await h.panel.ok('POST', '/api/v1/dns/zones', { name: ZONE, templateId: null });
    await eventually('the zone published to PowerDNS', async () => (await pdnsApi(`/zones/${ZONE}.`)).status === 200, 60_000);
    await h.panel.ok('PUT', '/api/v1/plugins/ssl/settings', {
      directoryUrl: pebble.directoryUrl, email: `ssl-${tag}@example.com`, preflight: true, preflightResolvers: [`127.0.0.1:${PORTS.pdns}`],
    });
    const domain = `mpt1-${process.pid}.${ZONE}`;
    const placed = await order(h.panel, h.setup, domain);
    await pay(h.panel, placed.invoiceId);
    account = await untilActive(h.panel, placed.serviceId);
    site = await eventually('the website active', async () => h.panel.knex('websites').where({ account_id: account.id, state: 'active' }).first('id', 'domain', 'docroot'), 90_000);
    // A page in the customer's docroot, to see that HTTPS serves the site itself.
    const dir = docrootOf(h.lab.env.homeRoot, account.username, site.docroot);
    writeFileSync(join(dir, 'hello.txt'), `hello from ${site.domain}\n`, { mode: 0o640 });
    chownSync(join(dir, 'hello.txt'), (await linuxUser(account.username)).uid!, statSync(dir).gid);
  });
  after(async () => {
    await h?.stop();
    await pebble?.stop();
    await pdns?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('a website gets a certificate over http-01: issued by Pebble, installed by the agent, served by nginx and verified by curl', async () => {
    await addA(site.domain);
    const requested = await h.panel.request<{ data: CertView }>('POST', '/api/v1/certificates', { names: [site.domain] });
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    assert.equal(requested.body.data.challenge, 'http-01', 'a name with a website here: http-01');
    assert.equal(requested.body.data.siteId, site.id, 'the website found by its name');
    cert = await settle(requested.body.data.id, 'the certificate issued and installed', (c) => c.installedAt !== null || c.failureCount > 0);
    assert.equal(cert.failureCount, 0, `no failure: ${cert.lastError}`);
    assert.equal(cert.status, 'active');
    assert.equal(cert.health, 'ok');
    const nb = Date.parse(cert.notBefore!);
    const na = Date.parse(cert.notAfter!);
    const ra = Date.parse(cert.renewAt!);
    assert.ok(ra <= nb + (2 * (na - nb)) / 3 && ra >= nb + (2 * (na - nb)) / 3 - 86_400_000, 'renew_at at ⅔ of the lifetime minus jitter');
    const row = await h.panel.knex('certificates').where({ id: cert.id }).first();
    assert.doesNotMatch(row.private_key, /BEGIN/, 'the key is sealed');
    assert.equal((await h.panel.knex('websites').where({ id: site.id }).first('certificate_id')).certificate_id, cert.id, 'the website records its certificate');
    const s = await served(site.domain);
    assert.equal(s.verify, '0 200 2', 'curl verifies the served chain against Pebble\'s root, over HTTP/2');
    assert.equal(s.body.trim(), `hello from ${site.domain}`, 'the site itself answers over HTTPS');
    assert.equal(s.serial.toLowerCase(), cert.serial!.toLowerCase(), 'nginx serves the certificate the panel stored');
    const summary = await h.panel.ok<{ total: number; ok: number; attention: number }>('GET', '/api/v1/certificates/summary');
    assert.deepEqual([summary.total, summary.ok, summary.attention], [1, 1, 0]);
  });

  it('editing the website keeps its certificate (site.ensure without tls) and applies "redirect to HTTPS"', async () => {
    const ops = async () => Number((await h.panel.knex('provisioning_operations').where({ account_id: account.id }).count('* as n'))[0]!.n);
    const before = await ops();
    const patched = await h.panel.request('PATCH', `/api/v1/hosting-accounts/${account.id}/websites/${site.id}`, { redirectHttps: true });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await eventually('the website edit applied on the server', async () => {
      if ((await ops()) <= before) return null;
      const open = await h.panel.knex('provisioning_operations').where({ account_id: account.id }).whereIn('status', ['queued', 'running', 'retrying']).first('id');
      return !open;
    }, 90_000);
    const last = await h.panel.knex('provisioning_operations').where({ account_id: account.id }).orderBy('created_at', 'desc').first('status', 'error_message');
    assert.equal(last.status, 'succeeded', JSON.stringify(last));
    const plain = await viaNginx(PORTS.labBase + 80, site.domain, '/hello.txt');
    assert.equal(plain.status, 301, 'HTTP now redirects to HTTPS');
    const s = await served(site.domain);
    assert.equal(s.verify, '0 200 2', 'the certificate is still served after the edit');
    assert.equal(s.serial.toLowerCase(), cert.serial!.toLowerCase());
    const token = await viaNginx(PORTS.labBase + 80, site.domain, '/.well-known/acme-challenge/missing-token');
    assert.equal(token.status, 404, 'the challenge location is not redirected (renewals keep working)');
  });

  it('a name that does not resolve: stopped by the pre-flight, then (pre-flight off) failed with the CA\'s message stored and a retry scheduled', async () => {
    const other = `mpt1-nodns-${process.pid}.${ZONE}`;
    const created = await h.panel.request('POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain: other });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await eventually('the second website active', async () => h.panel.knex('websites').where({ domain: other, state: 'active' }).first('id'), 90_000);
    assert.equal(dig(pdns, other, 'A').status, 'NXDOMAIN');

    const started = Date.now();
    const requested = await h.panel.ok<CertView>('POST', '/api/v1/certificates', { names: [other] });
    const pre = await settle(requested.id, 'the pre-flight failure', (c) => c.failureCount > 0, 60_000);
    assert.equal(pre.status, 'failed');
    assert.equal(pre.health, 'failing');
    assert.match(pre.lastError!, /does not resolve/);
    assert.match(pre.lastError!, /The CA was not asked/);
    const retryIn = Date.parse(pre.nextAttemptAt!) - started;
    assert.ok(retryIn > 55 * 60_000 && retryIn < 65 * 60_000, `first retry in about an hour (${retryIn} ms)`);

    await h.panel.ok('PUT', '/api/v1/plugins/ssl/settings', { preflight: false });
    const renewed = await h.panel.request('POST', `/api/v1/certificates/${pre.id}/renewals`);
    assert.equal(renewed.status, 202, JSON.stringify(renewed.body));
    const ca = await settle(pre.id, 'the CA\'s failure', (c) => c.failureCount > 1, 120_000);
    assert.equal(ca.failureCount, 2);
    assert.equal(ca.status, 'failed');
    assert.match(ca.lastError!, /CA said: .*could not resolve|NXDOMAIN|DNS problem/i, `the CA's own words: ${ca.lastError}`);
    assert.match(ca.lastError!, /^The CA could not look up the name in DNS/, 'plain words first');
    const retry2 = Date.parse(ca.nextAttemptAt!) - Date.now();
    assert.ok(retry2 > 110 * 60_000 && retry2 < 125 * 60_000, `second retry in about two hours (${retry2} ms)`);
    const summary = await h.panel.ok<{ failing: number; attention: number }>('GET', '/api/v1/certificates/summary');
    assert.deepEqual([summary.failing, summary.attention], [1, 1]);
    await h.panel.ok('PUT', '/api/v1/plugins/ssl/settings', { preflight: true });
  });

  it('a wildcard gets a certificate over dns-01: two concurrent TXT values on _acme-challenge in PowerDNS, validated by Pebble, removed afterwards', async () => {
    const base = `wild-${process.pid}.${ZONE}`;
    const requested = await h.panel.request<{ data: CertView }>('POST', '/api/v1/certificates', { names: [`*.${base}`, base] });
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    assert.equal(requested.body.data.challenge, 'dns-01', 'a wildcard: dns-01');
    assert.equal(requested.body.data.siteId, null);
    const done = await settle(requested.body.data.id, 'the wildcard issued', (c) => c.issuedAt !== null || c.failureCount > 0);
    assert.equal(done.failureCount, 0, `no failure: ${done.lastError}`);
    assert.equal(done.status, 'active');
    const full = await h.panel.ok<{ certificatePem: string }>('GET', `/api/v1/certificates/${done.id}`);
    const leafPem = full.certificatePem.split(/(?<=-----END CERTIFICATE-----)/)[0]!.trim();
    const leaf = new X509Certificate(leafPem);
    assert.deepEqual(leaf.subjectAltName!.split(', ').sort(), [`DNS:*.${base}`, `DNS:${base}`].sort());
    const chainFile = join(work, 'wild-chain.pem');
    const leafFile = join(work, 'wild-leaf.pem');
    const rootFile = join(work, 'root0.pem');
    writeFileSync(rootFile, root);
    writeFileSync(leafFile, `${leafPem}\n`);
    writeFileSync(chainFile, full.certificatePem.slice(full.certificatePem.indexOf(leafPem) + leafPem.length).trim() + '\n');
    const verified = spawnSync('openssl', ['verify', '-CAfile', rootFile, '-untrusted', chainFile, leafFile], { encoding: 'utf8' });
    assert.equal(verified.status, 0, `openssl verify: ${verified.stdout}${verified.stderr}`);
    // No always-valid mode: Pebble issued only after finding both values in the lab PowerDNS (its -dnsserver).
    const txt = dig(pdns, `_acme-challenge.${base}`, 'TXT');
    assert.deepEqual(txt.values, [], `the TXT values are gone afterwards: ${txt.raw}`);
  });

  it('the agent down during installation: issued, the install fails in plain words with a retry scheduled; with the agent back the retry installs it and nginx serves it', async () => {
    const domain = `mpt1-down-${process.pid}.${ZONE}`;
    const created = await h.panel.request<{ data: { id: string } }>('POST', `/api/v1/hosting-accounts/${account.id}/websites`, { domain });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const third = (await eventually('the third website active', async () => h.panel.knex('websites').where({ domain, state: 'active' }).first('id'), 90_000)) as { id: string };
    await h.agent.stop();
    try {
      // dns-01 needs no agent: the CA issues while the server's agent is down; only the install needs it.
      const requested = await h.panel.request<{ data: CertView }>('POST', '/api/v1/certificates', { names: [domain], siteId: third.id, challenge: 'dns-01' });
      assert.equal(requested.status, 202, JSON.stringify(requested.body));
      const started = Date.now();
      const failed = await settle(requested.body.data.id, 'the install failure', (c) => c.failureCount > 0, 180_000);
      assert.ok(failed.issuedAt, 'the CA issued it');
      assert.equal(failed.installedAt, null);
      assert.equal(failed.status, 'active', 'issued and valid, not installed yet');
      assert.match(failed.lastError!, /^The certificate was issued but installing it on the server failed: The agent on .* did not pick up "cert\.install"/);
      const retryIn = Date.parse(failed.nextAttemptAt!) - started;
      assert.ok(retryIn > 55 * 60_000 && retryIn < 65 * 60_000, `a retry in about an hour (${retryIn} ms)`);
      cert3 = failed;
    } finally {
      await h.agent.start();
    }
    // The retry is due (the clock moved on): the sweep installs the stored certificate, no new order.
    await h.panel.knex('certificates').where({ id: cert3.id }).update({ next_attempt_at: new Date(Date.now() - 1000) });
    const installed = await settle(cert3.id, 'the retried install', (c) => c.installedAt !== null, 200_000);
    assert.equal(installed.serial, cert3.serial, 'the same certificate, installed');
    assert.equal(installed.failureCount, 0);
    assert.equal(installed.lastError, null);
    const s = await served(domain);
    assert.match(s.verify, /^0 /, 'curl verifies the served chain against Pebble\'s root');
    assert.equal(s.serial.toLowerCase(), installed.serial!.toLowerCase(), 'nginx serves it');
  });

  it('with the clock past renew_at, the renewal sweep renews it by itself and nginx serves the new certificate', async () => {
    const before = await get(cert.id);
    await h.panel.knex('certificates').where({ id: cert.id }).update({ renew_at: new Date(Date.now() - 60_000) });
    const renewed = await settle(cert.id, 'the renewal by the sweep', (c) => c.serial !== before.serial && c.installedAt !== null, 200_000);
    assert.equal(renewed.failureCount, 0, `${renewed.lastError}`);
    assert.ok(Date.parse(renewed.issuedAt!) > Date.parse(before.issuedAt!));
    assert.ok(Date.parse(renewed.renewAt!) > Date.now(), 'the next renewal is in the future');
    const s = await served(site.domain);
    assert.equal(s.verify, '0 200 2');
    assert.equal(s.serial.toLowerCase(), renewed.serial!.toLowerCase(), 'nginx serves the renewed certificate');
  });
  it('the CA down: a renewal fails with "could not reach the CA", the certificate stays served and active, a retry is scheduled', async () => {
    const before = await get(cert.id);
    await pebble.stop();
    const renewed = await h.panel.request('POST', `/api/v1/certificates/${cert.id}/renewals`);
    assert.equal(renewed.status, 202, JSON.stringify(renewed.body));
    const failed = await settle(cert.id, 'the renewal failure', (c) => c.failureCount > 0, 90_000);
    assert.equal(failed.status, 'active', 'still valid: stays active');
    assert.equal(failed.health, 'renewal_failing');
    assert.match(failed.lastError!, /^mPanel could not reach the CA's directory.*CA said: .*ECONNREFUSED/);
    assert.ok(Date.parse(failed.nextAttemptAt!) - Date.now() > 55 * 60_000, 'retried in about an hour');
    assert.equal(failed.serial, before.serial);
    const s = await served(site.domain);
    assert.equal(s.serial.toLowerCase(), before.serial!.toLowerCase(), 'the working certificate is still served');
    const summary = await h.panel.ok<{ renewal_failing: number; attention: number }>('GET', '/api/v1/certificates/summary');
    assert.ok(summary.renewal_failing >= 1 && summary.attention >= 2, JSON.stringify(summary));
  });
});
