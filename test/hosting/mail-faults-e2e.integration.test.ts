import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startHosting, type Hosting } from './support/suite.ts';
import { order, pay, untilActive, accountOf, portalLogins, PLAN_LIMITS, type AccountView } from './support/fixtures.ts';
import { eventually } from './support/panel.ts';
import { imap, pop3, smtp } from './support/mail-client.ts';
import { startMailLab, type MailLab } from '../support/mail-lab.ts';

/**
 * Issue 18, the remaining items end to end (API → provisioning engine → mpanel-agent → private
 * Postfix/Dovecot): POP3 with the client's password, Dovecot down during a change (pending with
 * the reason, retried, converges), the real usage of each mailbox, the plan's mail limits, and the
 * plan's suspension policy for incoming mail (bounce at SMTP vs keep). Ports 20500–20999.
 */
const PORTS = { labBase: 20500, web: 20510, tls: 20943, mail: 20500 };

interface Mailbox { id: string; state: string; quotaMb: number; pending?: { operationId: string; status: string; attempt: number; reason: string | null; nextAttemptAt: string | null } }
interface Usage { mailboxes: Array<{ mailboxId: string; address: string; quotaMb: number; observed: boolean; usageMb: number | null; usageBytes: number | null }>; note: string | null }

describe('mail end to end: POP3, Dovecot down, usage, plan limits, suspension policy', function () {
  this.timeout(600_000);
  let h: Hosting;
  let mail: MailLab | undefined;
  let account: AccountView;
  const tag = `mf${process.pid}`;
  const domain = `faults-${process.pid}.test`;
  const password = `Mailbox-${randomBytes(6).toString('hex')}-pw`;
  let mailDomainId = '';
  let infoId = '';
  let clientToken = '';
  let otherToken = '';
  const base = () => `/api/v1/hosting-accounts/${account.id}`;
  const maillog = () => { try { return readFileSync(join(h.lab.dir, 'mail', 'maillog'), 'utf8'); } catch { return ''; } };
  const maildir = (local: string) => join(h.lab.env.homeRoot, account.username, 'mail', domain, local, 'Maildir');
  const inNew = (local: string) => {
    const dir = join(maildir(local), 'new');
    return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
  };
  const delivered = (local: string, subject: string) =>
    eventually(`"${subject}" delivered to ${local}@${domain}`, async () => inNew(local).some((t) => t.includes(`Subject: ${subject}`)), 60_000, 100)
      .catch((e: Error) => { throw new Error(`${e.message}\nmaillog:\n${maillog().slice(-3000)}`); });
  const passwdFile = () => { try { return readFileSync(join(h.lab.env.mail!.passwdDir, domain), 'utf8'); } catch { return ''; } };
  const settled = async (table: string, id: string, state: string, ms = 90_000) => {
    await eventually(`${table} ${id} ${state}`, async () => (await h.panel.knex(table).where({ id }).first('state'))?.state === state, ms, 250)
      .catch(async (e: Error) => {
        const ops = await h.panel.knex('provisioning_operations').where({ subject_id: id }).select('action', 'status', 'error_message', 'next_attempt_at');
        throw new Error(`${e.message}: ops ${JSON.stringify(ops)}\nworker:\n${h.panel.output('worker').slice(-2000)}`);
      });
  };
  const setPlan = (body: Record<string, unknown>) => h.panel.ok('PATCH', `/api/v1/hosting-plans/${h.setup.planId}`, body);

  before(async function () {
    this.timeout(400_000);
    h = await startHosting({
      portBase: PORTS.labBase, webPort: PORTS.web, tag, tlsPort: PORTS.tls, panelEnv: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' },
      beforeAgent: async (lab) => { mail = await startMailLab(lab.env, lab.dir, { portBase: PORTS.mail }); },
    });
    await setPlan({ limits: { ...PLAN_LIMITS, mailDomains: 1, mailboxes: 3, mailboxQuotaMb: 200 } });
    const placed = await order(h.panel, h.setup, `mpt3-${process.pid}.test`);
    await pay(h.panel, placed.invoiceId);
    account = await untilActive(h.panel, placed.serviceId);
    ({ clientToken, otherToken } = await portalLogins(h.panel, h.setup, tag));
  });
  after(async () => {
    await mail?.stop();
    await h?.stop();
  });

  it('POP3: a message delivered to a mailbox made through the API is retrieved with the client\'s password; a wrong password is refused', async () => {
    const md = await h.panel.request<{ data: { id: string } }>('POST', `${base()}/mail-domains`, { domain }, clientToken);
    assert.equal(md.status, 201, JSON.stringify(md.body));
    mailDomainId = md.body.data.id;
    await settled('mail_domains', mailDomainId, 'active');
    const mb = await h.panel.request<{ data: { id: string } }>('POST', `${base()}/mailboxes`, { mailDomainId, localPart: 'info', password, quotaMb: 50 }, clientToken);
    assert.equal(mb.status, 201, JSON.stringify(mb.body));
    infoId = mb.body.data.id;
    await settled('mailboxes', infoId, 'active');

    assert.equal(smtp(mail!.smtpPort, 'someone@example.net', `info@${domain}`, 'over-pop3').code, 0);
    await delivered('info', 'over-pop3');
    const list = pop3(mail!.pop3Port, `info@${domain}`, password);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /^1 \d+/m, 'LIST shows one message');
    const retr = pop3(mail!.pop3Port, `info@${domain}`, password, '1');
    assert.equal(retr.code, 0, retr.err);
    assert.match(retr.out, /Subject: over-pop3/);
    const wrong = pop3(mail!.pop3Port, `info@${domain}`, 'not-the-password');
    assert.equal(wrong.code, 67, `a wrong password: curl ${wrong.code} ${wrong.err}`);
    assert.equal(pop3(mail!.pop3Port, `nobody@${domain}`, password).code, 67, 'an unknown address logged in');
  });

  it('usage: the owner reads each mailbox\'s real storage (what is in its Maildir) next to its quota; another client gets 404', async () => {
    const body = 'x'.repeat(300_000);
    assert.equal(smtp(mail!.smtpPort, 'someone@example.net', `info@${domain}`, 'big-one', { body }).code, 0);
    await delivered('info', 'big-one');
    const onDisk = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? onDisk(join(dir, e.name)) : e.isFile() ? statSync(join(dir, e.name)).size : 0), 0);
    const usage = await h.panel.request<{ data: Usage }>('GET', `${base()}/mail-usage`, undefined, clientToken);
    assert.equal(usage.status, 200, JSON.stringify(usage.body));
    assert.equal(usage.body.data.note, null);
    const info = usage.body.data.mailboxes.find((m) => m.mailboxId === infoId)!;
    assert.deepEqual([info.address, info.quotaMb, info.observed], [`info@${domain}`, 50, true]);
    assert.ok(info.usageBytes! > 300_000, `usage ${info.usageBytes} counts the 300 kB message`);
    // The agent measures the whole mailbox home (Maildir and Dovecot's index files).
    assert.ok(info.usageBytes! >= onDisk(maildir('info')), `usage ${info.usageBytes} vs Maildir ${onDisk(maildir('info'))}`);
    assert.equal(info.usageMb, Math.round((info.usageBytes! / 1048576) * 100) / 100);
    const stranger = await h.panel.request('GET', `${base()}/mail-usage`, undefined, otherToken);
    assert.equal(stranger.status, 404, JSON.stringify(stranger.body));
  });

  it('plan limits: a second mail domain, a mailbox beyond the plan\'s total quota are refused (409) and nothing changes on the panel or the server', async () => {
    const before = { domains: await h.panel.knex('mail_domains').where({ account_id: account.id }).count({ n: '*' }), boxes: await h.panel.knex('mailboxes').where({ account_id: account.id }).count({ n: '*' }) };
    const second = await h.panel.request<{ details: Record<string, string> }>('POST', `${base()}/mail-domains`, { domain: `second-${domain}` }, clientToken);
    assert.deepEqual([second.status, second.body.details], [409, { mailDomains: 'limit 1 reached' }]);
    const big = await h.panel.request<{ details: Record<string, string> }>('POST', `${base()}/mailboxes`, { mailDomainId, localPart: 'huge', password, quotaMb: 151 }, clientToken);
    assert.deepEqual([big.status, big.body.details], [409, { mailboxQuotaMb: 'limit 200 MB, 150 MB left' }]);
    const after = { domains: await h.panel.knex('mail_domains').where({ account_id: account.id }).count({ n: '*' }), boxes: await h.panel.knex('mailboxes').where({ account_id: account.id }).count({ n: '*' }) };
    assert.deepEqual(after, before);
    assert.equal(readFileSync(join(h.lab.env.mail!.mapsDir, 'vdomains'), 'utf8').includes(`second-${domain}`), false);
    assert.equal(passwdFile().includes(`huge@${domain}`), false);
    assert.equal(smtp(mail!.smtpPort, 'someone@example.net', `huge@${domain}`, 'nobody').code === 0, false, 'an address refused by the plan receives mail');
  });

  it('Dovecot down during a change: the mailbox stays pending with the reason (staff: the server\'s, client: neutral), is retried, and converges once Dovecot is back', async () => {
    await mail!.stopDovecot();
    let lateId = '';
    try {
      const mb = await h.panel.request<{ data: Mailbox }>('POST', `${base()}/mailboxes`, { mailDomainId, localPart: 'late', password, quotaMb: 20 }, clientToken);
      assert.equal(mb.status, 201, JSON.stringify(mb.body));
      lateId = mb.body.data.id;
      const staffView = await eventually('the mailbox pending with a reason', async () => {
        const got = await h.panel.ok<Mailbox>('GET', `${base()}/mailboxes/${lateId}`);
        return got.pending?.status === 'retrying' && got.pending.reason ? got : null;
      }, 90_000, 250);
      assert.equal(staffView.state, 'creating');
      assert.match(staffView.pending!.reason!, /^REMOTE_UNAVAILABLE: Dovecot is not running \(no live process in .*master\.pid\)/);
      assert.ok(Date.parse(staffView.pending!.nextAttemptAt!) > Date.now() - 5_000, 'a next try is scheduled');
      const listed = await h.panel.ok<Mailbox[]>('GET', `${base()}/mailboxes`);
      assert.equal(listed.find((m) => m.id === lateId)?.pending?.operationId, staffView.pending!.operationId, 'the list shows it too');
      assert.equal(listed.find((m) => m.id === infoId)?.pending, undefined, 'a settled mailbox waits for nothing');
      const clientView = await h.panel.request<{ data: Mailbox }>('GET', `${base()}/mailboxes/${lateId}`, undefined, clientToken);
      assert.equal(clientView.body.data.pending?.status, 'retrying');
      assert.ok(clientView.body.data.pending?.reason && !/dovecot|REMOTE_/i.test(clientView.body.data.pending.reason), `the client sees a neutral reason: ${clientView.body.data.pending?.reason}`);
      const op = await h.panel.ok<{ status: string; errorCode: string; errorMessage: string }>('GET', `/api/v1/provisioning/operations/${staffView.pending!.operationId}`);
      assert.deepEqual([op.status, op.errorCode], ['retrying', 'REMOTE_UNAVAILABLE']);
      // Nothing half-applied: the address is in neither the Dovecot passwd-file nor Postfix's map.
      assert.equal(passwdFile().includes(`late@${domain}`), false);
      assert.equal(readFileSync(join(h.lab.env.mail!.mapsDir, 'vmailboxes'), 'utf8').includes(`late@${domain}`), false);
    } finally {
      await mail!.startDovecot();
    }
    // The engine's next try (30 s after the first failure) applies it.
    await settled('mailboxes', lateId, 'active', 120_000);
    const now = await h.panel.ok<Mailbox>('GET', `${base()}/mailboxes/${lateId}`);
    assert.equal(now.pending, undefined);
    assert.equal(smtp(mail!.smtpPort, 'someone@example.net', `late@${domain}`, 'after-dovecot').code, 0);
    await delivered('late', 'after-dovecot');
    const read = pop3(mail!.pop3Port, `late@${domain}`, password, '1');
    assert.equal(read.code, 0, read.err);
    assert.match(read.out, /Subject: after-dovecot/);
  });

  it('suspension: a plan saying bounce refuses incoming mail at SMTP (5xx) for the existing mailboxes; switched to keep, mail is delivered; logins refused; unsuspending restores', async () => {
    const mb = await h.panel.request<{ data: { id: string } }>('POST', `${base()}/mailboxes`, { mailDomainId, localPart: 'bouncy', password, quotaMb: 10 }, clientToken);
    assert.equal(mb.status, 201, JSON.stringify(mb.body));
    await settled('mailboxes', mb.body.data.id, 'active');
    // The plan changes after the mailboxes exist: the change reaches them (re-sent with the policy).
    const resent = async (policy: 'bounce' | 'keep') => {
      const opsOf = await h.panel.knex('provisioning_operations').where({ account_id: account.id, subject_type: 'mailbox', action: 'resource.ensure' })
        .whereRaw(`desired->'resource'->>'suspendPolicy' = ?`, [policy]).select('subject_id', 'status');
      return opsOf;
    };
    await setPlan({ suspensionPolicy: { mailReceive: true } });
    await eventually('the mailboxes re-sent with bounce', async () => {
      const ops = await resent('bounce');
      return ops.length === 3 && ops.every((o) => o.status === 'succeeded');
    }, 90_000);

    await h.panel.ok('POST', `/api/v1/services/${account.serviceId}/suspend`, { reason: 'mail policy e2e' });
    await eventually('the account observed suspended', async () => (await accountOf(h.panel, account.serviceId))?.observedState === 'suspended', 90_000);
    await eventually('info refused at SMTP', async () => smtp(mail!.smtpPort, 'someone@example.net', `info@${domain}`, 'probe').code !== 0, 30_000, 500);
    for (const local of ['info', 'bouncy']) {
      const refused = smtp(mail!.smtpPort, 'someone@example.net', `${local}@${domain}`, `while-suspended-bounce-${local}`);
      assert.notEqual(refused.code, 0, `${local} accepted mail while suspended with bounce`);
      assert.match(refused.err, /\b55\d\b/, `a 5xx answer: ${refused.err}`);
      assert.equal(inNew(local).some((t) => t.includes('while-suspended-bounce')), false);
      assert.equal(pop3(mail!.pop3Port, `${local}@${domain}`, password).code, 67, `${local}: a suspended mailbox logged in over POP3`);
      assert.notEqual(imap(mail!.imapPort, `${local}@${domain}`, password).code, 0, `${local}: a suspended mailbox logged in over IMAP`);
    }

    // Still suspended, the plan now says keep: mail is delivered again, logins stay refused.
    await setPlan({ suspensionPolicy: { mailReceive: false } });
    await eventually('bouncy accepts mail again (kept)', async () => smtp(mail!.smtpPort, 'someone@example.net', `bouncy@${domain}`, 'while-suspended-keep').code === 0, 90_000, 500);
    await delivered('bouncy', 'while-suspended-keep');
    assert.equal(pop3(mail!.pop3Port, `bouncy@${domain}`, password).code, 67, 'a suspended mailbox (keep) logged in over POP3');

    await h.panel.ok('POST', `/api/v1/services/${account.serviceId}/unsuspend`);
    await eventually('the account observed active', async () => (await accountOf(h.panel, account.serviceId))?.observedState === 'active', 90_000);
    await eventually('bouncy logs in again', async () => pop3(mail!.pop3Port, `bouncy@${domain}`, password).code === 0, 30_000, 250);
    const read = pop3(mail!.pop3Port, `bouncy@${domain}`, password, '1');
    assert.equal(read.code, 0, read.err);
    assert.match(read.out, /Subject: while-suspended-keep/);
  });
});
