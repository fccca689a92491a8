import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { HostingPlanLimits } from '@mpanel/sdk';
import { startHostingLab, type HostingLab } from '../../../test/support/hosting-lab.ts';
import { startMailLab, type MailLab } from '../../../test/support/mail-lab.ts';
import { verifyDkim } from '../../../test/support/dkim.ts';
import { runOp, type AgentEnv, type OpResult } from '../../src/ops/index.ts';

/**
 * Mail ops on a private Postfix + Dovecot + OpenDKIM (HOSTING.md §2, §7.4). Fails (never skips)
 * when a package is missing: `.ci/services/mail.sh` installs them. Ports 26000–26199.
 */

describe('agent mail ops on real Postfix, Dovecot and OpenDKIM', function () {
  this.timeout(300_000);
  let hosting: HostingLab;
  let mail: MailLab;
  let env: AgentEnv;
  const tag = randomBytes(3).toString('hex').replace(/^\d/, 'x');
  const u1 = `mpt${tag}m`;
  const u2 = `mpt${tag}n`;
  const d1 = `mail-${tag}.test`;
  const d2 = `other-${tag}.test`;
  const plan: HostingPlanLimits = { diskMb: 1000, sites: 1, databases: 0, cronJobs: 0, phpVersions: [], phpMaxChildren: 1, memoryMb: null };
  const pw = `Pw-${tag}-secret`;
  const hashOf = (scheme: string, password: string) => execFileSync('doveadm', ['pw', '-s', scheme, '-p', password]).toString().trim();
  let argonHash: string;
  let fastHash: string;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

  const op = (name: string, params: Record<string, unknown>): Promise<OpResult> => runOp(env, name, params);
  const ok = async (name: string, params: Record<string, unknown>): Promise<OpResult> => {
    const r = await op(name, params);
    assert.ok(r.ok, `${name} failed: ${r.code} ${r.message} ${JSON.stringify(r.steps)}`);
    return r;
  };
  const mailbox = (id: string, localPart: string, extra: Record<string, unknown> = {}) => ({
    username: u1, mailbox: { kind: 'mailbox', id, domain: d1, localPart, passwordHash: fastHash, quotaMb: 50, state: 'active', ...extra },
  });
  const message = (from: string, to: string, subject: string, body = 'Hello from the mail lab.\r\n') =>
    `From: <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\nMessage-ID: <${randomBytes(6).toString('hex')}@${d1}>\r\nDate: ${new Date().toUTCString()}\r\n\r\n${body}`;
  /** curl as an SMTP client: returns curl's exit code and its error text. */
  const smtp = (port: number, from: string, to: string, data: string, auth?: { user: string; pass: string }) => {
    const args = ['-sS', '--max-time', '30', `smtp://127.0.0.1:${port}`, '--mail-from', from, '--mail-rcpt', to, '-T', '-', ...(auth ? ['--user', `${auth.user}:${auth.pass}`] : [])];
    const r = spawnSync('curl', args, { input: data, encoding: 'utf8' });
    return { code: r.status, err: r.stderr };
  };
  const imap = (user: string, pass: string, path = 'INBOX') => {
    const r = spawnSync('curl', ['-sS', '--max-time', '30', '--user', `${user}:${pass}`, `imap://127.0.0.1:${mail.imapPort}/${path}`], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const maildirNew = (username: string, domain: string, local: string) => {
    const dir = join(env.homeRoot, username, 'mail', domain, local, 'Maildir', 'new');
    return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
  };
  const waitForMail = async (username: string, domain: string, local: string, count: number) => {
    for (let i = 0; i < 300; i++) {
      if (maildirNew(username, domain, local).length >= count) return maildirNew(username, domain, local);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`${local}@${domain} did not receive ${count} message(s); maillog:\n${readFileSync(join(hosting.dir, 'mail', 'maillog'), 'utf8').slice(-3000)}`);
  };
  const maillog = () => readFileSync(join(hosting.dir, 'mail', 'maillog'), 'utf8');
  const waitForLog = async (re: RegExp) => {
    for (let i = 0; i < 300; i++) {
      if (re.test(maillog())) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`maillog never matched ${re}:\n${maillog().slice(-3000)}`);
  };
  const map = (name: string) => readFileSync(join(env.mail!.mapsDir, name), 'utf8');

  before(async function () {
    hosting = await startHostingLab({ portBase: 26000, tlsPort: 26144 });
    env = hosting.env;
    mail = await startMailLab(env, hosting.dir, { portBase: 26000 });
    argonHash = hashOf('ARGON2ID', pw);
    fastHash = hashOf('SHA512-CRYPT', pw);
    for (const u of [u1, u2]) await ok('account.ensure', { username: u, state: 'active', plan });
  });

  after(async function () {
    if (env?.mail) {
      for (const [u, id] of [[u1, 'md1'], [u2, 'md2']] as const) await op('mail.domain.remove', { username: u, id });
    }
    if (mail) await mail.stop();
    if (hosting) await hosting.stop();
    for (const u of [u1, u2]) assert.notEqual(spawnSync('id', [u]).status, 0, `${u} still exists`);
  });

  it('refuses bad input and mailboxes of unknown domains, changing nothing', async function () {
    const bad = [
      ['mail.domain.ensure', { username: u1, mailDomain: { id: 'md1', domain: 'Bad Domain', dkim: null, state: 'active' } }],
      ['mail.domain.ensure', { username: u1, mailDomain: { id: '../x', domain: d1, dkim: null, state: 'active' } }],
      ['mail.domain.ensure', { username: u1, mailDomain: { id: 'md1', domain: d1, dkim: { selector: 'a b', privateKeyPem: privateKey }, state: 'active' } }],
      ['mailbox.ensure', { username: u1, mailbox: { id: 'mb1', domain: d1, localPart: 'x:y', passwordHash: fastHash, quotaMb: 1, state: 'active' } }],
      ['mailbox.ensure', { username: u1, mailbox: { id: 'mb1', domain: d1, localPart: 'ok', passwordHash: 'plain:text\nroot', quotaMb: 1, state: 'active' } }],
      ['mailbox.ensure', { username: u1, mailbox: { id: 'mb1', domain: d1, localPart: 'ok', passwordHash: fastHash, quotaMb: -1, state: 'active' } }],
      ['mail.alias.ensure', { username: u1, mailAlias: { id: 'al1', domain: d1, localPart: 'x', targets: ['not an address'], state: 'active' } }],
    ] as const;
    for (const [name, params] of bad) {
      const r = await op(name, params as unknown as Record<string, unknown>);
      assert.equal(r.ok, false, `${name} accepted ${JSON.stringify(params).slice(0, 200)}`);
      assert.equal(r.code, 'INVALID_INPUT', `${name}: ${r.message}`);
    }
    const orphan = await op('mailbox.ensure', mailbox('mb1', 'info'));
    assert.equal(orphan.code, 'NOT_FOUND');
    assert.equal(map('vmailboxes').includes('info@'), false);
  });

  it('creates a domain and a mailbox that receives over SMTP (LMTP to Dovecot) and reads over IMAP with its password', async function () {
    await ok('mail.domain.ensure', { username: u1, mailDomain: { kind: 'mailDomain', id: 'md1', domain: d1, dkim: { selector: 'mp1', privateKeyPem: privateKey }, state: 'active' } });
    // idempotent
    await ok('mail.domain.ensure', { username: u1, mailDomain: { kind: 'mailDomain', id: 'md1', domain: d1, dkim: { selector: 'mp1', privateKeyPem: privateKey }, state: 'active' } });
    await ok('mailbox.ensure', { ...mailbox('mb1', 'info'), mailbox: { ...mailbox('mb1', 'info').mailbox, passwordHash: argonHash } });
    assert.match(map('vdomains'), new RegExp(`^${d1} OK$`, 'm'));
    assert.match(map('vmailboxes'), new RegExp(`^info@${d1} OK$`, 'm'));

    const sent = smtp(mail.smtpPort, 'someone@example.net', `info@${d1}`, message('someone@example.net', `info@${d1}`, 'first'));
    assert.equal(sent.code, 0, sent.err);
    const [file] = await waitForMail(u1, d1, 'info', 1);
    // Delivered as the account's user, unreadable by another account's user.
    const uid = Number(execFileSync('id', ['-u', u1]).toString());
    assert.equal(statSync(file!).uid, uid);
    assert.equal(statSync(join(env.homeRoot, u1, 'mail')).mode & 0o777, 0o700);
    const peek = spawnSync('runuser', ['-u', u2, '--', 'cat', file!], { encoding: 'utf8' });
    assert.notEqual(peek.status, 0, 'another account user read the mailbox');

    const list = imap(`info@${d1}`, pw, 'INBOX;UID=1');
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /Subject: first/);
    const wrong = imap(`info@${d1}`, 'not-the-password');
    assert.notEqual(wrong.code, 0, 'a wrong password logged in');

    const rejected = smtp(mail.smtpPort, 'someone@example.net', `nobody@${d1}`, message('someone@example.net', `nobody@${d1}`, 'x'));
    assert.notEqual(rejected.code, 0, 'an unknown mailbox was accepted');

    const observed = (await ok('mail.observe', { username: u1 })).observed as { resources: Array<{ kind: string; id: string; exists: boolean; state: string; detail: Record<string, unknown> }> };
    const box = observed.resources.find((r) => r.id === 'mb1')!;
    assert.equal(box.exists, true);
    assert.equal(box.state, 'active');
    assert.ok(Number(box.detail.usageBytes) > 0);
    assert.equal(observed.resources.find((r) => r.id === 'md1')?.detail.dkim, 'mp1');
    // through the generic observe op (what provisioning-agent's resources.observe calls)
    const all = (await ok('observe', { username: u1, refs: [{ kind: 'mailbox', id: 'mb1' }] })).observed as { resources: Array<{ id: string; exists: boolean }> };
    assert.deepEqual(all.resources.map((r) => [r.id, r.exists]), [['mb1', true]]);
  });

  it('keeps tenants apart: another account cannot use or remove the domain, and its ids are not found', async function () {
    const steal = await op('mailbox.ensure', { ...mailbox('mbx', 'thief'), username: u2 });
    assert.equal(steal.code, 'NOT_FOUND');
    const dup = await op('mail.domain.ensure', { username: u2, mailDomain: { id: 'md2x', domain: d1, dkim: null, state: 'active' } });
    assert.equal(dup.code, 'CONFLICT');
    const sameId = await op('mail.domain.ensure', { username: u2, mailDomain: { id: 'md1', domain: d2, dkim: null, state: 'active' } });
    assert.equal(sameId.code, 'CONFLICT');
    const rm = await ok('mail.domain.remove', { username: u2, id: 'md1' });
    assert.deepEqual(rm.observed, { kind: 'mailDomain', id: 'md1', exists: false });
    assert.match(map('vdomains'), new RegExp(`^${d1} OK$`, 'm'), 'another account removed the domain');
    const box = await ok('mailbox.remove', { username: u2, id: 'mb1' });
    assert.equal((box.observed as { exists: boolean }).exists, false);
    assert.match(map('vmailboxes'), new RegExp(`^info@${d1} OK$`, 'm'));
    await ok('mail.domain.ensure', { username: u2, mailDomain: { id: 'md2', domain: d2, dkim: null, state: 'active' } });
  });

  it('lets only one of two concurrent ensures of the same address win', async function () {
    const [a, b] = await Promise.all([op('mailbox.ensure', mailbox('race1', 'race')), op('mailbox.ensure', mailbox('race2', 'race'))]);
    assert.deepEqual([a.ok, b.ok].sort(), [false, true], `${a.message} / ${b.message}`);
    assert.equal((a.ok ? b : a).code, 'ALREADY_EXISTS');
    assert.equal(map('vmailboxes').split('\n').filter((l) => l === `race@${d1} OK`).length, 1);
    await ok('mailbox.remove', { username: u1, id: a.ok ? 'race1' : 'race2' });
    assert.equal(map('vmailboxes').includes(`race@${d1}`), false);
  });

  it('delivers a forwarder to its target and a catch-all, not taking mail of existing mailboxes', async function () {
    await ok('mail.alias.ensure', { username: u1, mailAlias: { kind: 'mailAlias', id: 'al1', domain: d1, localPart: 'sales', targets: [`info@${d1}`], state: 'active' } });
    const before = maildirNew(u1, d1, 'info').length;
    assert.equal(smtp(mail.smtpPort, 'a@example.net', `sales@${d1}`, message('a@example.net', `sales@${d1}`, 'to-sales')).code, 0);
    const files = await waitForMail(u1, d1, 'info', before + 1);
    assert.ok(files.some((f) => readFileSync(f, 'utf8').includes('Subject: to-sales')));
    await ok('mailbox.ensure', mailbox('mb2', 'office'));
    await ok('mail.alias.ensure', { username: u1, mailAlias: { id: 'al2', domain: d1, localPart: '*', targets: [`info@${d1}`], state: 'active' } });
    assert.equal(smtp(mail.smtpPort, 'a@example.net', `random@${d1}`, message('a@example.net', `random@${d1}`, 'to-catchall')).code, 0);
    assert.equal(smtp(mail.smtpPort, 'a@example.net', `office@${d1}`, message('a@example.net', `office@${d1}`, 'to-office')).code, 0);
    await waitForMail(u1, d1, 'office', 1);
    await waitForMail(u1, d1, 'info', before + 2);
    assert.ok(maildirNew(u1, d1, 'info').some((f) => readFileSync(f, 'utf8').includes('Subject: to-catchall')));
    assert.equal(maildirNew(u1, d1, 'info').some((f) => readFileSync(f, 'utf8').includes('Subject: to-office')), false, `info got office's mail; aliases:\n${map('valiases')}`);
    await ok('mail.alias.remove', { username: u1, id: 'al2' });
    assert.doesNotMatch(map('valiases'), new RegExp(`^@${d1} `, 'm'));
    assert.match(map('valiases'), new RegExp(`^sales@${d1} info@${d1}$`, 'm'));
  });

  it('signs mail sent through submission with the domain key (the signature verifies) and refuses unauthenticated relay', async function () {
    const data = message(`info@${d1}`, `office@${d1}`, 'signed');
    const noAuth = smtp(mail.submissionPort, `info@${d1}`, `office@${d1}`, data);
    assert.notEqual(noAuth.code, 0, 'submission accepted mail without login');
    const badAuth = smtp(mail.submissionPort, `info@${d1}`, `office@${d1}`, data, { user: `info@${d1}`, pass: 'wrong-password' });
    assert.notEqual(badAuth.code, 0, 'submission accepted a wrong password');
    const before = maildirNew(u1, d1, 'office').length;
    const sent = smtp(mail.submissionPort, `info@${d1}`, `office@${d1}`, data, { user: `info@${d1}`, pass: pw });
    assert.equal(sent.code, 0, sent.err);
    const files = await waitForMail(u1, d1, 'office', before + 1);
    const raw = files.map((f) => readFileSync(f, 'utf8')).find((t) => t.includes('Subject: signed'))!;
    assert.match(raw, /DKIM-Signature:/);
    const result = verifyDkim(raw, publicKey);
    assert.equal(result.d, d1);
    assert.equal(result.s, 'mp1');
    assert.equal(result.bodyOk, true, 'body hash mismatch');
    assert.equal(result.ok, true, 'DKIM signature does not verify');
    // and a tampered copy does not
    assert.equal(verifyDkim(raw.replace('Subject: signed', 'Subject: changed'), publicKey).ok, false);
    // The key file belongs to the opendkim user, 0600.
    const key = statSync(join(env.mail!.dkim!.dir, 'keys', `${d1}.private`));
    assert.equal(key.mode & 0o777, 0o600);
    assert.equal(key.uid, Number(execFileSync('id', ['-u', 'opendkim']).toString()));
  });

  it('refuses the N+1th message of the hour through submission for a mailbox with a sending limit', async function () {
    await ok('mailbox.ensure', mailbox('mb5', 'limited', { sendLimitPerHour: 2 }));
    const auth = { user: `limited@${d1}`, pass: pw };
    for (const n of [1, 2]) {
      const r = smtp(mail.submissionPort, `limited@${d1}`, `info@${d1}`, message(`limited@${d1}`, `info@${d1}`, `limited-${n}`), auth);
      assert.equal(r.code, 0, `message ${n}: ${r.err}`);
    }
    const third = smtp(mail.submissionPort, `limited@${d1}`, `info@${d1}`, message(`limited@${d1}`, `info@${d1}`, 'limited-3'), auth);
    assert.notEqual(third.code, 0, 'the message over the limit was accepted');
    assert.match(maillog(), /Sending limit reached: 2 messages per hour for limited@/);
    // Another mailbox (no limit) still sends.
    assert.equal(smtp(mail.submissionPort, `info@${d1}`, `office@${d1}`, message(`info@${d1}`, `office@${d1}`, 'unlimited'), { user: `info@${d1}`, pass: pw }).code, 0);
    const o = (await ok('mail.observe', { username: u1 })).observed as { resources: Array<{ id: string; detail: { sentThisHour: number; sendLimitPerHour: number } }> };
    const limited = o.resources.find((r) => r.id === 'mb5')!;
    assert.equal(limited.detail.sendLimitPerHour, 2);
    assert.equal(limited.detail.sentThisHour, 2);
    // Raising the limit applies to the next message.
    await ok('mailbox.ensure', mailbox('mb5', 'limited', { sendLimitPerHour: 3 }));
    assert.equal(smtp(mail.submissionPort, `limited@${d1}`, `info@${d1}`, message(`limited@${d1}`, `info@${d1}`, 'limited-4'), auth).code, 0);
  });

  it('refuses mail for a mailbox over its quota', async function () {
    await ok('mailbox.ensure', mailbox('mb3', 'small', { quotaMb: 1 }));
    const big = 'x'.repeat(76) + '\r\n';
    const body = big.repeat(Math.ceil(700_000 / big.length));
    assert.equal(smtp(mail.smtpPort, 'a@example.net', `small@${d1}`, message('a@example.net', `small@${d1}`, 'big-1', body)).code, 0);
    await waitForMail(u1, d1, 'small', 1);
    assert.equal(smtp(mail.smtpPort, 'a@example.net', `small@${d1}`, message('a@example.net', `small@${d1}`, 'big-2', body)).code, 0);
    await waitForLog(new RegExp(`to=<small@${d1}>.*status=bounced.*(quota|Quota)`));
    assert.equal(maildirNew(u1, d1, 'small').length, 1);
    const o = (await ok('mail.observe', { username: u1 })).observed as { resources: Array<{ id: string; detail: { usageMb: number; quotaMb: number } }> };
    const small = o.resources.find((r) => r.id === 'mb3')!;
    assert.equal(small.detail.quotaMb, 1);
    assert.ok(small.detail.usageMb > 0.5 && small.detail.usageMb <= 1, `usage ${small.detail.usageMb}`);
  });

  it('suspends a mailbox: login refused, mail kept (keep) or refused (bounce); unsuspends', async function () {
    await ok('mailbox.ensure', mailbox('mb2', 'office', { state: 'suspended', suspendPolicy: 'keep' }));
    assert.notEqual(imap(`office@${d1}`, pw).code, 0, 'a suspended mailbox logged in');
    const before = maildirNew(u1, d1, 'office').length;
    assert.equal(smtp(mail.smtpPort, 'a@example.net', `office@${d1}`, message('a@example.net', `office@${d1}`, 'kept')).code, 0);
    await waitForMail(u1, d1, 'office', before + 1);
    const o = (await ok('mail.observe', { username: u1 })).observed as { resources: Array<{ id: string; state: string }> };
    assert.equal(o.resources.find((r) => r.id === 'mb2')?.state, 'suspended');

    await ok('mailbox.ensure', mailbox('mb2', 'office', { state: 'suspended', suspendPolicy: 'bounce' }));
    const refused = smtp(mail.smtpPort, 'a@example.net', `office@${d1}`, message('a@example.net', `office@${d1}`, 'bounced'));
    assert.notEqual(refused.code, 0, 'mail to a bounced suspended mailbox was accepted');
    assert.match(refused.err, /550|disabled|rejected/i);

    await ok('mailbox.ensure', mailbox('mb2', 'office'));
    assert.equal(imap(`office@${d1}`, pw).code, 0);
  });

  it('rolls a config change back when postfix check fails, and mail keeps flowing', async function () {
    const mainCf = join(env.mail!.postfixConfDir, 'main.cf');
    const good = readFileSync(mainCf, 'utf8');
    const mapsBefore = map('vmailboxes');
    appendFileSync(mainCf, 'this line is not a postfix setting\n');
    try {
      const r = await op('mailbox.ensure', mailbox('mb4', 'later'));
      assert.equal(r.ok, false);
      assert.equal(r.code, 'REMOTE_ERROR');
      assert.match(r.message ?? '', /postfix check/);
      assert.equal(map('vmailboxes'), mapsBefore, 'the maps were not rolled back');
      const o = (await ok('mail.observe', { username: u1 })).observed as { resources: Array<{ id: string }> };
      assert.equal(o.resources.some((x) => x.id === 'mb4'), false, 'the record was not rolled back');
    } finally {
      writeFileSync(mainCf, good);
    }
    const before = maildirNew(u1, d1, 'info').length;
    assert.equal(smtp(mail.smtpPort, 'a@example.net', `info@${d1}`, message('a@example.net', `info@${d1}`, 'still-flowing')).code, 0);
    await waitForMail(u1, d1, 'info', before + 1);
  });

  it('writes an autoresponder as a Sieve vacation script with its date range', async function () {
    await ok('mailbox.ensure', mailbox('mb2', 'office', { autoresponder: { subject: 'Away "now"', body: 'Back on Monday.\nThanks', from: '2020-01-01', until: '2099-12-31' } }));
    const sieve = join(env.homeRoot, u1, 'mail', d1, 'office', '.dovecot.sieve');
    const script = readFileSync(sieve, 'utf8');
    assert.match(script, /vacation :days 1 :subject "Away \\"now\\""/);
    assert.match(script, /currentdate :value "ge" "date" "2020-01-01"/);
    assert.equal(statSync(sieve).uid, Number(execFileSync('id', ['-u', u1]).toString()));
    // Delivery through the script still files the message.
    const before = maildirNew(u1, d1, 'office').length;
    assert.equal(smtp(mail.smtpPort, 'a@example.net', `office@${d1}`, message('a@example.net', `office@${d1}`, 'while-away')).code, 0);
    await waitForMail(u1, d1, 'office', before + 1);
    // The vacation reply goes out (to the sender, through Postfix).
    for (let i = 0; i < 100 && !/sent vacation response/.test(readFileSync(join(hosting.dir, 'mail', 'dc', 'dovecot.log'), 'utf8')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(readFileSync(join(hosting.dir, 'mail', 'dc', 'dovecot.log'), 'utf8'), /sent vacation response/);
    await ok('mailbox.ensure', mailbox('mb2', 'office'));
    assert.equal(existsSync(sieve), false);
  });

  it('removes a mailbox and then the domain with its maps, passwd-file, key and mail', async function () {
    await ok('mailbox.remove', { username: u1, id: 'mb3' });
    assert.equal(map('vmailboxes').includes(`small@${d1}`), false);
    assert.equal(existsSync(join(env.homeRoot, u1, 'mail', d1, 'small')), false);
    await ok('mail.domain.remove', { username: u1, id: 'md1' });
    for (const name of ['vdomains', 'vmailboxes', 'valiases']) assert.equal(map(name).includes(d1), false, `${name} still has ${d1}`);
    assert.equal(existsSync(join(env.mail!.passwdDir, d1)), false);
    assert.equal(existsSync(join(env.mail!.dkim!.dir, 'keys', `${d1}.private`)), false);
    assert.equal(readFileSync(join(env.mail!.dkim!.dir, 'KeyTable'), 'utf8').includes(d1), false);
    assert.equal(existsSync(join(env.homeRoot, u1, 'mail', d1)), false);
    const r = smtp(mail.smtpPort, 'a@example.net', `info@${d1}`, message('a@example.net', `info@${d1}`, 'gone'));
    assert.notEqual(r.code, 0, 'mail for a removed domain was accepted');
    // idempotent
    await ok('mail.domain.remove', { username: u1, id: 'md1' });
  });

  it('account.remove takes the account\'s mail domains and mailboxes out of Postfix and Dovecot', async function () {
    await ok('mailbox.ensure', { username: u2, mailbox: { id: 'mb9', domain: d2, localPart: 'boss', passwordHash: fastHash, quotaMb: 10, state: 'active' } });
    assert.match(map('vmailboxes'), new RegExp(`^boss@${d2} OK$`, 'm'));
    await ok('account.remove', { username: u2 });
    assert.equal(map('vdomains').includes(d2), false);
    assert.equal(map('vmailboxes').includes(d2), false);
    assert.equal(existsSync(join(env.mail!.passwdDir, d2)), false);
    const o = await op('mail.observe', { username: u2 });
    assert.deepEqual((o.observed as { resources: unknown[] } | undefined)?.resources ?? [], []);
  });
});
