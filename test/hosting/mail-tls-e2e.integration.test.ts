import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosting, type Hosting } from './support/suite.ts';
import { order, pay, untilActive, type AccountView } from './support/fixtures.ts';
import { eventually } from './support/panel.ts';
import { startMailLab, type MailLab } from '../support/mail-lab.ts';
import { startPowerDnsLab, type PowerDnsLab } from '../support/powerdns-lab.ts';
import { startPebbleLab, type PebbleLab } from '../support/pebble-lab.ts';
import { servedCertificate } from '../support/tls-probe.ts';

/**
 * Issue 18 item 4 end to end: staff request the certificate of a server's mail host name
 * (`POST /api/v1/server-certificates`); the ssl plugin orders it from Pebble over dns-01 through
 * the real dns + dns-powerdns plugins (a private PowerDNS), hosting hands it to the server's
 * mpanel-agent (`mail.tls.install`), and the private Postfix (STARTTLS on smtp and submission)
 * and Dovecot (IMAPS) serve it; a renewal is served too; an IMAPS login verified against Pebble's
 * root works with a mailbox's password. Tenant B sees neither the server nor the certificate.
 * Ports 20200–20499.
 */
const PORTS = { labBase: 20200, web: 20210, tls: 20244, mail: 20200, pebble: 20330 /* +1, +2 */, pdns: 20360 /* API +1 */ };
const ZONE = 'lab.test';

interface CertView {
  id: string; names: string[]; status: string; health: string; challenge: string; failureCount: number; lastError: string | null;
  serial: string | null; installedAt: string | null; inProgress: boolean; serverId: string | null; siteId: string | null; certificatePem?: string;
}

describe('mail host certificate end to end: Pebble → PowerDNS → agent → Postfix/Dovecot', function () {
  this.timeout(900_000);
  let h: Hosting;
  let mail: MailLab | undefined;
  let pdns: PowerDnsLab;
  let pebble: PebbleLab;
  const work = mkdtempSync(join(tmpdir(), 'mail-tls-e2e-'));
  const rootFile = join(work, 'root.pem');
  const tag = `mt${process.pid}`;
  let host = '';
  let cert: CertView;
  let account: AccountView;
  const domain = `tls-${process.pid}.test`;
  const password = `Mailbox-${randomBytes(6).toString('hex')}-pw`;

  const get = (id: string) => h.panel.ok<CertView>('GET', `/api/v1/certificates/${id}`);
  const settle = (id: string, what: string, done: (c: CertView) => boolean) =>
    eventually(what, async () => {
      const c = await get(id);
      return !c.inProgress && done(c) ? c : null;
    }, 180_000, 500).catch(async (err: Error) => {
      const jobs = await h.panel.knex('agent_jobs').orderBy('created_at', 'desc').limit(8).select('op', 'status', 'result');
      throw new Error(`${err.message}\n${JSON.stringify({ ...(await get(id)), certificatePem: undefined })}\nagent jobs: ${JSON.stringify(jobs).slice(0, 3000)}\nworker:\n${h.panel.output('worker').slice(-3000)}`);
    });
  /** The leaf of the stored chain: what every TLS port must present. */
  const leafOf = (c: CertView) => new X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(c.certificatePem!)![0]);
  function expectServed(c: CertView): void {
    const leaf = leafOf(c);
    assert.equal(leaf.serialNumber, c.serial, 'the stored chain starts with the stored serial');
    for (const [port, starttls] of [[mail!.smtpPort, 'smtp'], [mail!.submissionPort, 'smtp'], [mail!.imapsPort, undefined]] as const) {
      const s = servedCertificate({ port, servername: host, caFile: rootFile, ...(starttls ? { starttls } : {}) });
      assert.equal(s.fingerprint256, leaf.fingerprint256, `port ${port} presents another certificate (serial ${s.serial}, stored ${c.serial}):\n${s.output.slice(-1200)}`);
      assert.equal(s.verify, '0', `port ${port}: the chain does not verify against Pebble's root for ${host}:\n${s.output.slice(-1200)}`);
    }
  }

  before(async function () {
    this.timeout(400_000);
    pdns = await startPowerDnsLab({ portBase: PORTS.pdns });
    pebble = await startPebbleLab({ port: PORTS.pebble, httpPort: PORTS.labBase + 80, dnsServer: `127.0.0.1:${PORTS.pdns}` });
    writeFileSync(rootFile, await pebble.rootPem());
    h = await startHosting({
      portBase: PORTS.labBase, webPort: PORTS.web, tag, tlsPort: PORTS.tls,
      panelEnv: { NODE_EXTRA_CA_CERTS: pebble.caFile, MPANEL_ALLOW_PRIVATE_TARGETS: 'true' },
      beforeAgent: async (lab) => { mail = await startMailLab(lab.env, lab.dir, { portBase: PORTS.mail }); },
    });
    host = (await h.panel.ok<{ hostname: string }>('GET', `/api/v1/servers/${h.setup.serverId}`)).hostname;
    assert.ok(host.endsWith(`.${ZONE}`), host);
    // The server's zone is hosted here: the real dns plugin publishes to the lab PowerDNS (dns-01).
    await h.panel.ok('PUT', '/api/v1/plugins/dns-powerdns/settings', { apiUrl: pdns.apiUrl, apiKey: pdns.apiKey, nameservers: [`ns1.${ZONE}.`], timeoutSeconds: 5 });
    await h.panel.ok('POST', '/api/v1/dns/zones', { name: ZONE, templateId: null });
    await eventually('the zone published to PowerDNS', async () => (await fetch(`${pdns.apiUrl}/api/v1/servers/localhost/zones/${ZONE}.`, { headers: { 'X-API-Key': pdns.apiKey } })).status === 200, 60_000);
    await h.panel.ok('PUT', '/api/v1/plugins/ssl/settings', { directoryUrl: pebble.directoryUrl, email: `ssl-${tag}@example.com`, preflight: true, preflightResolvers: [`127.0.0.1:${PORTS.pdns}`] });
  });
  after(async () => {
    await mail?.stop();
    await h?.stop();
    await pebble?.stop();
    await pdns?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('staff request the server\'s certificate: Pebble issues it over dns-01, Postfix (smtp, submission) and Dovecot (IMAPS) serve it, verified against Pebble\'s root', async () => {
    const requested = await h.panel.request<{ data: CertView }>('POST', '/api/v1/server-certificates', { serverId: h.setup.serverId });
    assert.equal(requested.status, 202, JSON.stringify(requested.body));
    assert.deepEqual(requested.body.data.names, [host]);
    assert.equal(requested.body.data.challenge, 'dns-01');
    assert.equal(requested.body.data.serverId, h.setup.serverId);
    cert = await settle(requested.body.data.id, 'the server certificate issued and installed', (c) => c.installedAt !== null || c.failureCount > 0);
    assert.equal(cert.failureCount, 0, `no failure: ${cert.lastError}`);
    assert.equal(cert.status, 'active');
    assert.equal(cert.health, 'ok');
    expectServed(cert);
    // The list and its health show it, as the server's.
    const listed = await h.panel.request<{ data: CertView[]; meta: { total: number } }>('GET', `/api/v1/certificates?search=${encodeURIComponent(host)}`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.data.map((c) => [c.id, c.serverId, c.health]), [[cert.id, h.setup.serverId, 'ok']]);
    const again = await h.panel.request('POST', '/api/v1/server-certificates', { serverId: h.setup.serverId });
    assert.equal(again.status, 409, JSON.stringify(again.body));
  });

  it('a mailbox logs in over IMAPS with its password, the client verifying the server\'s name against Pebble\'s root; the client settings name that host', async () => {
    const placed = await order(h.panel, h.setup, `mpt1-${process.pid}.test`);
    await pay(h.panel, placed.invoiceId);
    account = await untilActive(h.panel, placed.serviceId);
    const base = `/api/v1/hosting-accounts/${account.id}`;
    const md = await h.panel.ok<{ id: string }>('POST', `${base}/mail-domains`, { domain });
    await eventually('the mail domain active', async () => (await h.panel.knex('mail_domains').where({ id: md.id }).first('state'))?.state === 'active', 90_000);
    const mb = await h.panel.ok<{ id: string }>('POST', `${base}/mailboxes`, { mailDomainId: md.id, localPart: 'info', password, quotaMb: 50 });
    await eventually('the mailbox active', async () => (await h.panel.knex('mailboxes').where({ id: mb.id }).first('state'))?.state === 'active', 90_000);
    const settings = JSON.stringify(await h.panel.ok('GET', `${base}/mail-domains/${md.id}/client-settings`));
    assert.ok(settings.includes(`"${host}"`), `client settings name ${host}: ${settings}`);
    const imaps = (pass: string) => spawnSync('curl', ['-sS', '--max-time', '30', '--cacert', rootFile, '--resolve', `${host}:${mail!.imapsPort}:127.0.0.1`,
      '--user', `info@${domain}:${pass}`, `imaps://${host}:${mail!.imapsPort}/`], { encoding: 'utf8' });
    const ok = imaps(password);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /INBOX/);
    const wrong = imaps('not-the-password');
    assert.equal(wrong.status, 67, `a wrong password: ${wrong.status} ${wrong.stderr}`);
  });

  it('"renew now" orders a new certificate: the services serve the new serial', async () => {
    const before = cert;
    const renew = await h.panel.request('POST', `/api/v1/certificates/${cert.id}/renewals`);
    assert.equal(renew.status, 202, JSON.stringify(renew.body));
    cert = await settle(cert.id, 'the renewal installed', (c) => (c.serial !== before.serial && c.installedAt !== null) || c.failureCount > 0);
    assert.equal(cert.failureCount, 0, `no failure: ${cert.lastError}`);
    assert.notEqual(cert.serial, before.serial);
    expectServed(cert);
  });

  it('refused before anything is stored: a server whose zone is not hosted here (400), a client (403), nonsense ids (404/400)', async () => {
    const other = await h.panel.ok<{ id: string }>('POST', '/api/v1/servers', { groupId: h.setup.groupId, name: `elsewhere ${tag}`, hostname: `mx-${tag}.not-hosted.test`, module: 'mpanel-agent', maxAccounts: 1 });
    const count = async () => Number((await h.panel.knex('certificates').count<{ count: string }[]>('* as count'))[0]!.count);
    const n = await count();
    const notHosted = await h.panel.request<{ error: string; details: Record<string, string> }>('POST', '/api/v1/server-certificates', { serverId: other.id });
    assert.equal(notHosted.status, 400, JSON.stringify(notHosted.body));
    assert.equal(notHosted.body.error, 'Validation failed');
    assert.match(notHosted.body.details.serverId!, /not hosted in mPanel's DNS/);
    assert.equal((await h.panel.request('POST', '/api/v1/server-certificates', { serverId: '00000000-0000-4000-8000-000000000000' })).status, 404);
    assert.equal((await h.panel.request('POST', '/api/v1/server-certificates', { serverId: 'not-a-uuid' })).status, 400);
    const pass = `Portal-${randomBytes(8).toString('hex')}`;
    await h.panel.ok('POST', '/api/v1/users', { email: `portal-${tag}@hosting.test`, password: pass, roles: ['client'], clientId: h.setup.clientId });
    const client = await h.panel.request('POST', '/api/v1/server-certificates', { serverId: h.setup.serverId }, await h.panel.login(`portal-${tag}@hosting.test`, pass));
    assert.equal(client.status, 403, JSON.stringify(client.body));
    assert.equal(await count(), n, 'nothing stored');
  });

  it('five requests at once for one server: one 202, four 409, one row', async () => {
    const second = await h.panel.ok<{ id: string; hostname: string }>('POST', '/api/v1/servers', { groupId: h.setup.groupId, name: `mx2 ${tag}`, hostname: `mx2-${tag}.${ZONE}`, module: 'mpanel-agent', maxAccounts: 1 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.panel.request('POST', '/api/v1/server-certificates', { serverId: second.id })));
    assert.deepEqual(answers.map((r) => r.status).sort(), [202, 409, 409, 409, 409], JSON.stringify(answers.map((r) => r.body)));
    assert.equal((await h.panel.knex('certificates').where({ primary_name: second.hostname })).length, 1);
  });

  it('tenant B: tenant A\'s server is not found and its server certificate cannot be read, renewed or deleted (404)', async () => {
    const slug = `tb-${process.pid}`;
    const admin = { email: `admin@${slug}.test`, password: `Tenant-B-${randomBytes(8).toString('hex')}` };
    const created = await h.panel.request('POST', '/api/v1/tenants', { name: 'Tenant B', slug, admin });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const b = await h.panel.login(admin.email, admin.password, slug);
    const mine = await h.panel.request<{ data: CertView[] }>('GET', '/api/v1/certificates', undefined, b);
    assert.equal(mine.status, 200, 'tenant B reaches the ssl routes');
    assert.deepEqual(mine.body.data, []);
    const steal = await h.panel.request<{ error: string }>('POST', '/api/v1/server-certificates', { serverId: h.setup.serverId }, b);
    assert.equal(steal.status, 404, JSON.stringify(steal.body));
    assert.match(JSON.stringify(steal.body), /Server not found/);
    assert.equal((await h.panel.request('GET', `/api/v1/certificates/${cert.id}`, undefined, b)).status, 404);
    assert.equal((await h.panel.request('POST', `/api/v1/certificates/${cert.id}/renewals`, undefined, b)).status, 404);
    assert.equal((await h.panel.request('DELETE', `/api/v1/certificates/${cert.id}`, undefined, b)).status, 404);
    assert.equal((await get(cert.id)).serial, cert.serial, 'tenant A\'s certificate unchanged');
  });
});
