import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, randomBytes } from 'node:crypto';
import { startHostingLab, type HostingLab } from '../../../test/support/hosting-lab.ts';
import { startMailLab, type MailLab } from '../../../test/support/mail-lab.ts';
import { startTestCa, type TestCa } from '../../../test/support/test-ca.ts';
import { servedCertificate } from '../../../test/support/tls-probe.ts';
import { runOp, type AgentEnv, type OpResult } from '../../src/ops/index.ts';

/**
 * mail.tls.install on a private Postfix + Dovecot (issue 18 item 4): the server's certificate
 * served by STARTTLS on smtp and submission and by IMAPS, verified against the issuing CA; same
 * pair again changes nothing; a refused pair leaves the served one alone; a new pair is served
 * after the op returns. Ports 20000–20199.
 */
describe('agent mail.tls.install on real Postfix and Dovecot', function () {
  this.timeout(300_000);
  let hosting: HostingLab;
  let mail: MailLab;
  let env: AgentEnv;
  let ca: TestCa;
  const host = `mail-${randomBytes(3).toString('hex')}.example.test`;
  const op = (name: string, params: Record<string, unknown>): Promise<OpResult> => runOp(env, name, params);
  const install = (pair: { chainPem: string; keyPem: string }, names = [host]) => op('mail.tls.install', { names, certPem: pair.chainPem, keyPem: pair.keyPem });
  const served = (port: number, starttls?: 'smtp') => servedCertificate({ port, servername: host, caFile: ca.caFile, ...(starttls ? { starttls } : {}) });
  const maillog = () => readFileSync(join(hosting.dir, 'mail', 'maillog'), 'utf8');

  /** Every TLS port serves `serial`, and it verifies against the test CA. */
  function expectServed(serial: string): void {
    for (const [port, starttls] of [[mail.smtpPort, 'smtp'], [mail.submissionPort, 'smtp'], [mail.imapsPort, undefined]] as const) {
      const s = served(port, starttls);
      assert.equal(s.serial, serial, `port ${port} serves ${s.serial}, not ${serial}:\n${s.output.slice(-1500)}\n${maillog().slice(-1500)}`);
      assert.equal(s.verify, '0', `port ${port}: verify ${s.verify}`);
    }
  }

  before(async function () {
    hosting = await startHostingLab({ portBase: 20000, tlsPort: 20144 });
    env = hosting.env;
    mail = await startMailLab(env, hosting.dir, { portBase: 20000 });
    ca = startTestCa();
  });
  after(async function () {
    if (mail) await mail.stop();
    if (hosting) await hosting.stop();
    ca?.stop();
  });

  it('before any certificate: no STARTTLS on smtp, nothing on IMAPS', () => {
    assert.equal(served(mail.smtpPort, 'smtp').serial, null);
    assert.equal(served(mail.imapsPort).serial, null);
  });

  it('installs the pair root-owned 0600: Postfix (smtp, submission) and Dovecot (IMAPS) serve it, verified; the same pair again reloads nothing', async () => {
    const first = ca.issue([host]);
    const r = await install(first);
    assert.ok(r.ok, `${r.code} ${r.message} ${JSON.stringify(r.steps)}`);
    assert.deepEqual({ ...(r.observed as object), fingerprint256: undefined }, { kind: 'serverCertificate', changed: true, names: [host], serial: first.serial, notAfter: (r.observed as { notAfter: string }).notAfter, fingerprint256: undefined });
    const dir = join(env.stateDir!, 'mail', 'tls');
    for (const f of ['server.key', 'server.crt']) {
      const st = statSync(join(dir, f));
      assert.equal(st.mode & 0o777, 0o600, f);
      assert.equal(st.uid, 0, f);
    }
    expectServed(first.serial);
    const mainCf = statSync(join(env.mail!.postfixConfDir, 'main.cf')).mtimeMs;
    const again = await install(first);
    assert.ok(again.ok, again.message);
    assert.equal((again.observed as { changed: boolean }).changed, false);
    assert.equal(statSync(join(env.mail!.postfixConfDir, 'main.cf')).mtimeMs, mainCf, 'main.cf untouched');
    assert.ok(!again.steps.some((s) => /reload/.test(s.name)));
  });

  it('refuses a mismatched pair, a certificate for another name and garbage: the served certificate stays', async () => {
    const current = served(mail.smtpPort, 'smtp').serial!;
    const a = ca.issue([host]);
    const b = ca.issue([host]);
    const mismatched = await install({ chainPem: a.chainPem, keyPem: b.keyPem });
    assert.equal(mismatched.code, 'INVALID_INPUT');
    assert.match(mismatched.message!, /does not belong/);
    const otherName = ca.issue([`other.${host}`]);
    const wrong = await install(otherName);
    assert.equal(wrong.code, 'INVALID_INPUT');
    assert.match(wrong.message!, /does not cover/);
    assert.equal((await install({ chainPem: 'x', keyPem: 'y' })).code, 'INVALID_INPUT');
    expectServed(current);
  });

  it('a renewal (new pair) is served by all three ports once the op returned', async () => {
    const renewed = ca.issue([host]);
    const r = await install(renewed);
    assert.ok(r.ok, r.message);
    assert.equal((r.observed as { changed: boolean }).changed, true);
    expectServed(renewed.serial);
  });

  it('a configuration Postfix refuses rolls everything back: the old pair stays on disk and served', async () => {
    const current = served(mail.smtpPort, 'smtp').serial!;
    const mainCfPath = join(env.mail!.postfixConfDir, 'main.cf');
    const mainCf = readFileSync(mainCfPath, 'utf8');
    // A main.cf postfix check refuses (a bad queue directory): the op must not leave its files behind.
    const broken = mainCf.replace(/^queue_directory = .*$/m, 'queue_directory = /nonexistent/mpanel-queue');
    writeFileSync(mainCfPath, broken);
    try {
      const next = ca.issue([host]);
      const r = await install(next);
      assert.equal(r.ok, false);
      assert.match(r.message!, /postfix check/);
      assert.equal(readFileSync(mainCfPath, 'utf8'), broken, 'main.cf back as it was before the op');
      assert.equal(new X509Certificate(readFileSync(join(env.stateDir!, 'mail', 'tls', 'server.crt'), 'utf8')).serialNumber, current);
    } finally {
      writeFileSync(mainCfPath, mainCf);
    }
    expectServed(current);
  });

  it('the include and main.cf point at the pair (doveconf and postconf agree)', () => {
    const pc = spawnSync('postconf', ['-c', env.mail!.postfixConfDir, '-h', 'smtpd_tls_cert_file', 'smtpd_tls_key_file', 'smtpd_tls_security_level'], { encoding: 'utf8' });
    assert.deepEqual(pc.stdout.trim().split('\n'), [join(env.stateDir!, 'mail', 'tls', 'server.crt'), join(env.stateDir!, 'mail', 'tls', 'server.key'), 'may']);
    const dc = spawnSync('doveconf', ['-c', env.mail!.dovecotConf, '-h', 'ssl'], { encoding: 'utf8' });
    assert.equal(dc.stdout.trim(), 'yes', dc.stderr);
  });
});
