import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey, randomBytes } from 'node:crypto';
import { startHosting, type Hosting } from './support/suite.ts';
import { order, pay, untilActive, accountOf, portalLogins, type AccountView } from './support/fixtures.ts';
import { eventually } from './support/panel.ts';
import { imap, smtp } from './support/mail-client.ts';
import { startMailLab, type MailLab } from '../support/mail-lab.ts';
import { dig, startPowerDnsLab, type PowerDnsLab } from '../support/powerdns-lab.ts';
import { verifyDkim } from '../support/dkim.ts';

/**
 * Issue 18 end to end: mPanel's API (web + worker on PostgreSQL and Redis) → provisioning engine →
 * mpanel-agent → a private Postfix + Dovecot + OpenDKIM (test/support/mail-lab.ts). Mail is sent
 * with curl over SMTP and read with curl over IMAP. Ports 27000–27199.
 */
const PORTS = { labBase: 27000, web: 27010, tls: 27144, mail: 27000, pdns: 27160 /* API 27161 */ };

describe('mail end to end: API → agent → Postfix/Dovecot', function () {
  this.timeout(600_000);
  let h: Hosting;
  let mail: MailLab | undefined;
  let pdns: PowerDnsLab;
  const dkimDomain = `dkim-${process.pid}.test`;
  let account: AccountView;
  const tag = `me${process.pid}`;
  const domain = `mail-${process.pid}.test`;
  const password = `Mailbox-${randomBytes(6).toString('hex')}-pw`;
  let mailDomainId = '';
  let mailboxId = '';
  const base = () => `/api/v1/hosting-accounts/${account.id}`;
  /** Portal logins: the account's owner and another client of the same tenant. */
  let clientToken = '';
  let otherToken = '';

  const maillog = () => { try { return readFileSync(join(h.lab.dir, 'mail', 'maillog'), 'utf8'); } catch { return ''; } };
  const maildirNew = (local: string) => {
    const dir = join(h.lab.env.homeRoot, account.username, 'mail', domain, local, 'Maildir', 'new');
    return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
  };
  /** Waits for a message with `subject` in the mailbox, then reads it over IMAP by its UID. */
  const delivered = async (local: string, subject: string) => {
    await eventually(`"${subject}" delivered to ${local}@${domain}`, async () => maildirNew(local).some((t) => t.includes(`Subject: ${subject}`)), 30_000, 100)
      .catch((e: Error) => { throw new Error(`${e.message}\nmaillog:\n${maillog().slice(-3000)}`); });
  };
  const settled = async (table: string, id: string, state: string) => {
    await eventually(`${table} ${id} ${state}`, async () => (await h.panel.knex(table).where({ id }).first('state'))?.state === state, 90_000, 250)
      .catch(async (e: Error) => {
        const ops = await h.panel.knex('provisioning_operations').where({ subject_id: id }).select('action', 'status', 'error_message');
        throw new Error(`${e.message}: ${JSON.stringify(await h.panel.knex(table).where({ id }).first('state'))} ops ${JSON.stringify(ops)}\nworker:\n${h.panel.output('worker').slice(-2000)}`);
      });
  };

  before(async function () {
    this.timeout(400_000);
    pdns = await startPowerDnsLab({ portBase: PORTS.pdns });
    h = await startHosting({
      portBase: PORTS.labBase, webPort: PORTS.web, tag, tlsPort: PORTS.tls, panelEnv: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' },
      beforeAgent: async (lab) => { mail = await startMailLab(lab.env, lab.dir, { portBase: PORTS.mail }); },
    });
    const placed = await order(h.panel, h.setup, `mpt1-${process.pid}.test`);
    await pay(h.panel, placed.invoiceId);
    account = await untilActive(h.panel, placed.serviceId);
    ({ clientToken, otherToken } = await portalLogins(h.panel, h.setup, tag));
  });
  after(async () => {
    await mail?.stop();
    await h?.stop();
    await pdns?.stop();
  });

  it('a client creates a mail domain and a mailbox through the API: mail received over SMTP is read over IMAP with the password; a wrong password is refused', async () => {
    const md = await h.panel.request<{ data: { id: string; dkimSelector?: string } }>('POST', `${base()}/mail-domains`, { domain }, clientToken);
    assert.equal(md.status, 201, JSON.stringify(md.body));
    mailDomainId = md.body.data.id;
    await settled('mail_domains', mailDomainId, 'active');
    const mb = await h.panel.request<{ data: { id: string } }>('POST', `${base()}/mailboxes`, { mailDomainId, localPart: 'info', password, quotaMb: 50, sendLimitPerHour: 10 }, clientToken);
    assert.equal(mb.status, 201, JSON.stringify(mb.body));
    assert.equal(JSON.stringify(mb.body).includes(password), false, 'the API does not echo the password');
    mailboxId = mb.body.data.id;
    await settled('mailboxes', mailboxId, 'active');

    const sent = smtp(mail!.smtpPort, 'someone@example.net', `info@${domain}`, 'first');
    assert.equal(sent.code, 0, sent.err);
    await delivered('info', 'first');
    const read = imap(mail!.imapPort, `info@${domain}`, password, 'INBOX;UID=1');
    assert.equal(read.code, 0, read.err);
    assert.match(read.out, /Subject: first/);
    assert.notEqual(imap(mail!.imapPort, `info@${domain}`, 'not-the-password').code, 0, 'a wrong password logged in');
    assert.notEqual(smtp(mail!.smtpPort, 'someone@example.net', `nobody@${domain}`, 'x').code, 0, 'an unknown address was accepted');
  });

  it('a forwarder created through the API delivers to its target', async () => {
    const fw = await h.panel.request<{ data: { id: string } }>('POST', `${base()}/mail-aliases`, { mailDomainId, localPart: 'sales', targets: [`info@${domain}`] }, clientToken);
    assert.equal(fw.status, 201, JSON.stringify(fw.body));
    await settled('mail_aliases', fw.body.data.id, 'active');
    assert.equal(smtp(mail!.smtpPort, 'buyer@example.net', `sales@${domain}`, 'to-sales').code, 0);
    await delivered('info', 'to-sales');
  });

  it('the staff mail-sending route shows the agent\'s counters after a message through submission', async () => {
    const sent = smtp(mail!.submissionPort, `info@${domain}`, `info@${domain}`, 'sent-by-info', { auth: { user: `info@${domain}`, pass: password } });
    assert.equal(sent.code, 0, sent.err);
    await delivered('info', 'sent-by-info');
    const counters = await h.panel.ok<{ mailboxes: Array<{ mailboxId: string; address: string; observed: boolean; sentThisHour: number | null; sendLimitPerHour: number | null }>; note: string | null }>('GET', `${base()}/mail-sending`);
    assert.equal(counters.note, null);
    const box = counters.mailboxes.find((m) => m.mailboxId === mailboxId)!;
    assert.equal(box.address, `info@${domain}`);
    assert.equal(box.observed, true);
    assert.equal(box.sendLimitPerHour, 10);
    assert.equal(box.sentThisHour, 1, JSON.stringify(box));
  });

  it('suspending the hosting service refuses the mailbox\'s login; unsuspending restores it', async () => {
    await h.panel.ok('POST', `/api/v1/services/${account.serviceId}/suspend`, { reason: 'mail e2e' });
    await eventually('the account observed suspended', async () => (await accountOf(h.panel, account.serviceId))?.observedState === 'suspended', 90_000);
    await eventually('the mailbox login refused', async () => imap(mail!.imapPort, `info@${domain}`, password).code !== 0, 30_000, 250);
    // Default plan policy (mailReceive not set): incoming mail is kept.
    assert.equal(smtp(mail!.smtpPort, 'someone@example.net', `info@${domain}`, 'while-suspended').code, 0);
    await delivered('info', 'while-suspended');
    await h.panel.ok('POST', `/api/v1/services/${account.serviceId}/unsuspend`);
    await eventually('the account observed active', async () => (await accountOf(h.panel, account.serviceId))?.observedState === 'active', 90_000);
    await eventually('the mailbox login works again', async () => imap(mail!.imapPort, `info@${domain}`, password).code === 0, 30_000, 250);
  });

  it('another client gets 404 for the account\'s mail records and cannot add or delete any; the owner cannot read staff counters', async () => {
    for (const path of [`${base()}/mail-domains`, `${base()}/mail-domains/${mailDomainId}`, `${base()}/mailboxes/${mailboxId}`]) {
      const r = await h.panel.request('GET', path, undefined, otherToken);
      assert.equal(r.status, 404, `${path}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const add = await h.panel.request('POST', `${base()}/mailboxes`, { mailDomainId, localPart: 'thief', password: 'Thief-password-1' }, otherToken);
    assert.equal(add.status, 404, JSON.stringify(add.body));
    const del = await h.panel.request('DELETE', `${base()}/mail-domains/${mailDomainId}`, undefined, otherToken);
    assert.equal(del.status, 404, JSON.stringify(del.body));
    assert.equal((await h.panel.knex('mail_domains').where({ id: mailDomainId }).first('state')).state, 'active');
    assert.equal(await h.panel.knex('mailboxes').where({ local_part: 'thief' }).first(), undefined);
    const counters = await h.panel.request('GET', `${base()}/mail-sending`, undefined, clientToken);
    assert.equal(counters.status, 403, JSON.stringify(counters.body));
    assert.equal(imap(mail!.imapPort, `info@${domain}`, password).code, 0, 'the mailbox still works');
  });

  it('an unknown mailbox id is 404 and a too-short password is 400', async () => {
    const missing = await h.panel.request('GET', `${base()}/mailboxes/00000000-0000-4000-8000-000000000000`);
    assert.equal(missing.status, 404);
    const bad = await h.panel.request('POST', `${base()}/mailboxes`, { mailDomainId, localPart: 'x', password: 'short' });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
  });

  it('DKIM: the key published through dns.zones on PowerDNS is read back with dig, and mail sent through submission verifies with it', async () => {
    await h.panel.ok('PUT', '/api/v1/plugins/dns-powerdns/settings', { apiUrl: pdns.apiUrl, apiKey: pdns.apiKey, nameservers: ['ns1.lab.test.', 'ns2.lab.test.'], timeoutSeconds: 3 });
    const zone = await h.panel.request<{ data: { id: string } }>('POST', '/api/v1/dns/zones', { name: dkimDomain });
    assert.equal(zone.status, 201, JSON.stringify(zone.body));
    const md = await h.panel.request<{ data: { id: string; dkimSelector: string; dkimPublicKey: string; dnsRecords: unknown[] } }>('POST', `${base()}/mail-domains`, { domain: dkimDomain });
    assert.equal(md.status, 201, JSON.stringify(md.body));
    const selector = md.body.data.dkimSelector;
    assert.match(selector, /^mp\d{6}$/);
    await settled('mail_domains', md.body.data.id, 'active');
    const mb = await h.panel.request<{ data: { id: string } }>('POST', `${base()}/mailboxes`, { mailDomainId: md.body.data.id, localPart: 'sender', password });
    assert.equal(mb.status, 201, JSON.stringify(mb.body));
    await settled('mailboxes', mb.body.data.id, 'active');

    const name = `${selector}._domainkey.${dkimDomain}`;
    const txt = await eventually(`the DKIM TXT of ${name} in PowerDNS`, async () => {
      const a = dig(pdns, name, 'TXT');
      return a.status === 'NOERROR' && a.values.length ? a : null;
    }, 60_000, 250).catch(async (e: Error) => { throw new Error(`${e.message}; zone: ${JSON.stringify(await h.panel.ok('GET', `/api/v1/dns/zones/${zone.body.data.id}`))}\n${pdns.log().slice(-1500)}`); });
    assert.equal(txt.values.length, 1, txt.raw);
    // A long TXT comes back as several quoted strings: their concatenation is the record.
    const record = [...txt.values[0]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('');
    const tags = Object.fromEntries(record.split(';').map((t) => t.trim()).filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
    assert.equal(tags.v, 'DKIM1');
    assert.equal(tags.k, 'rsa');
    const published = createPublicKey({ key: Buffer.from(tags.p!.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    assert.equal(dig(pdns, dkimDomain, 'MX').values.length, 1, 'the MX is published too');

    const sent = smtp(mail!.submissionPort, `sender@${dkimDomain}`, `sender@${dkimDomain}`, 'signed-e2e', { auth: { user: `sender@${dkimDomain}`, pass: password } });
    assert.equal(sent.code, 0, sent.err);
    const dir = join(h.lab.env.homeRoot, account.username, 'mail', dkimDomain, 'sender', 'Maildir', 'new');
    const raw = await eventually('the signed message delivered', async () => {
      const files = existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
      return files.find((t) => t.includes('Subject: signed-e2e')) ?? null;
    }, 30_000, 100).catch((e: Error) => { throw new Error(`${e.message}\nmaillog:\n${maillog().slice(-3000)}`); });
    const result = verifyDkim(raw, published);
    assert.equal(result.d, dkimDomain);
    assert.equal(result.s, selector);
    assert.equal(result.bodyOk, true, 'body hash mismatch');
    assert.equal(result.ok, true, 'the signature does not verify with the published key');
    assert.equal(verifyDkim(raw.replace('Subject: signed-e2e', 'Subject: changed'), published).ok, false, 'a tampered copy verified');

    // Removing the mail domain takes its records out of the zone.
    const del = await h.panel.request('DELETE', `${base()}/mail-domains/${md.body.data.id}`);
    assert.ok([200, 202, 204].includes(del.status), JSON.stringify(del.body));
    await settled('mail_domains', md.body.data.id, 'removed');
    await eventually('the DKIM TXT gone from PowerDNS', async () => dig(pdns, name, 'TXT').values.length === 0, 60_000, 250);
  });

  it('deleting the mail domain through the API removes it on the server: the address is refused', async () => {
    const del = await h.panel.request('DELETE', `${base()}/mail-domains/${mailDomainId}`);
    assert.ok([200, 202, 204].includes(del.status), JSON.stringify(del.body));
    await settled('mail_domains', mailDomainId, 'removed');
    assert.notEqual(smtp(mail!.smtpPort, 'someone@example.net', `info@${domain}`, 'gone').code, 0, 'mail for a removed domain was accepted');
    assert.notEqual(imap(mail!.imapPort, `info@${domain}`, password).code, 0, 'a removed mailbox logged in');
    const maps = readFileSync(join(h.lab.env.mail!.mapsDir, 'vdomains'), 'utf8');
    assert.equal(maps.includes(domain), false);
  });
});
