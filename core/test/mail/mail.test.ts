import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError, definePlugin, extensionPoints, ok, type MailMessage } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { waitFor } from '../plugins/wait.ts';
import { body, header, SmtpCapture } from './smtp-capture.ts';

/** A plugin whose route queues one mail through ctx.mail (and can fail after queuing it). */
const probe = definePlugin({
  manifest: {
    id: 'mail-probe', name: 'Mail probe', version: '1.0.0', engines: { mpanel: '>=0.1.0' },
    permissions: [{ name: 'mail-probe.send', description: 'Send a probe mail', defaultRoles: ['admin'] }],
  },
  register(ctx) {
    ctx.routes.add({
      method: 'POST', path: '/api/v1/mail-probe', permission: 'mail-probe.send',
      schema: { body: { type: 'object', required: ['to', 'subject'], properties: { to: { type: 'string' }, subject: { type: 'string' }, key: { type: 'string' }, fail: { type: 'boolean' } } } },
      handler: async (c) => {
        const input = c.input.body as { to: string; subject: string; key?: string; fail?: boolean };
        const id = await ctx.mail.send({
          to: { email: input.to, name: 'Ada Lovelace' }, subject: input.subject, text: `Hello Ada, this is "${input.subject}".`,
          html: `<p>Hello <b>Ada</b></p>`, attachments: [{ filename: 'note.txt', contentType: 'text/plain', content: Buffer.from('attached text') }],
          ...(input.key ? { idempotencyKey: input.key } : {}),
        });
        if (input.fail) throw new ConflictError('rolled back after queuing');
        return ok({ id });
      },
    });
  },
});

/** A MailTransport provider: when enabled for a tenant it replaces SMTP and the outbox. */
const relayed: Array<{ tenantId: string; message: MailMessage }> = [];
const relay = definePlugin({
  manifest: { id: 'mail-relay', name: 'Mail relay', version: '1.0.0', engines: { mpanel: '>=0.1.0' } },
  register(ctx) {
    ctx.extensions.provide(extensionPoints.mail, 'relay', {
      displayName: 'Test relay',
      async send(call, message) {
        relayed.push({ tenantId: call.tenantId, message });
        return { messageId: 'relay-1', accepted: message.to.map((a) => a.email), rejected: [] };
      },
      async testConnection() {
        return { ok: true };
      },
    });
  },
});

describe('core mail service (ctx.mail)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let smtp: SmtpCapture;
  let dataDir: string;
  let smtpTenant: TenantWithAdmin;
  let outboxTenant: TenantWithAdmin;
  let relayTenant: TenantWithAdmin;
  const send = (t: TenantWithAdmin, body: Record<string, unknown>) => server.request('POST', '/api/v1/mail-probe', { token: t.token, body });
  const mail = () => server.running.platform.container.cradle.mail;
  /** The tenant's mail jobs with that subject, whichever queue runs them (database or BullMQ). */
  const mailJobs = async (tenantId: string, subject: string) => {
    const { jobQueue } = server.running.platform.container.cradle;
    const all = [];
    for (const status of ['waiting', 'delayed', 'active', 'completed', 'failed']) all.push(...(await jobQueue.list(status, tenantId, 1, 500)).rows);
    return all.filter((j) => j.name === 'core.mail.send' && (j.data as { subject?: string }).subject === subject);
  };

  before(async () => {
    smtp = new SmtpCapture();
    const port = await smtp.listen();
    dataDir = mkdtempSync(join(tmpdir(), 'mpanel-mail-'));
    // The capture server listens on loopback: an operator's choice (tenants cannot reach it otherwise).
    server = await startTestServer({ env: { DATA_DIR: dataDir, MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }, plugins: { definitions: [probe, relay] } });
    smtpTenant = await createTenantWithAdmin(server, { slug: `smtp-${process.pid}` });
    outboxTenant = await createTenantWithAdmin(server, { slug: `outbox-${process.pid}` });
    relayTenant = await createTenantWithAdmin(server, { slug: `relay-${process.pid}` });
    for (const t of [smtpTenant, outboxTenant]) {
      const res = await server.request('POST', '/api/v1/plugins/mail-relay/disable', { token: t.token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    await mail().saveSettings(smtpTenant.tenant.id, {
      host: '127.0.0.1', port, secure: false, user: 'smtp-user', password: 'smtp-secret-password', fromEmail: 'billing@acme.test', fromName: 'Acme Hosting',
    });
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the SMTP password sealed and reads it back in clear for delivery', async () => {
    const row = await server.knex('plugin_settings').where({ tenant_id: smtpTenant.tenant.id, plugin_id: 'core.mail' }).first();
    assert.ok(row, 'settings row');
    assert.ok(!JSON.stringify(row).includes('smtp-secret-password'), 'password not stored in clear');
    assert.equal(row.values.host, '127.0.0.1');
    assert.equal((await mail().settings(smtpTenant.tenant.id)).password, 'smtp-secret-password');
  });

  it('delivers over the tenant\'s SMTP server: envelope, headers, text, html, attachment and credentials', async () => {
    const res = await send(smtpTenant, { to: 'ada@client.test', subject: 'Invoice INV-1' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const got = await waitFor(async () => smtp.received.find((m) => header(m.raw, 'Subject') === 'Invoice INV-1'));
    assert.equal(got.from, 'billing@acme.test');
    assert.deepEqual(got.to, ['ada@client.test']);
    assert.deepEqual(got.auth, { username: 'smtp-user', password: 'smtp-secret-password' });
    assert.equal(header(got.raw, 'From'), 'Acme Hosting <billing@acme.test>');
    assert.equal(header(got.raw, 'To'), 'Ada Lovelace <ada@client.test>');
    assert.match(header(got.raw, 'Message-ID') ?? '', /@mpanel>$/);
    const text = body(got.raw);
    assert.match(text, /Hello Ada, this is "Invoice INV-1"\./);
    assert.match(text, /<p>Hello <b>Ada<\/b><\/p>/);
    assert.match(got.raw, /filename=note\.txt/);
    // nodemailer picks the encoding (7bit text or base64): either way the content is there.
    assert.ok(got.raw.includes('attached text') || got.raw.includes(Buffer.from('attached text').toString('base64')), 'attachment content');
    const [job] = await waitFor(async () => ((await mailJobs(smtpTenant.tenant.id, 'Invoice INV-1')).some((j) => j.status === 'completed') ? mailJobs(smtpTenant.tenant.id, 'Invoice INV-1') : undefined));
    assert.equal(job!.tenantId, smtpTenant.tenant.id);
  });

  it('retries a send the SMTP server refused (job attempts), and the mail arrives once', async () => {
    smtp.failNext(1);
    const before = smtp.received.length;
    const res = await send(smtpTenant, { to: 'retry@client.test', subject: 'Retried mail' });
    assert.equal(res.status, 200);
    const got = await waitFor(async () => smtp.received.find((m) => header(m.raw, 'Subject') === 'Retried mail'), 30_000);
    assert.deepEqual(got.to, ['retry@client.test']);
    const job = await waitFor(async () => (await mailJobs(smtpTenant.tenant.id, 'Retried mail')).find((j) => j.status === 'completed'));
    assert.equal(job.attempts, 2);
    assert.equal(smtp.received.length, before + 1);
  });

  it('queues nothing when the request rolls back, and one mail per idempotency key', async () => {
    const failed = await send(smtpTenant, { to: 'nobody@client.test', subject: 'Never sent', fail: true });
    assert.equal(failed.status, 409);
    const a = await send(smtpTenant, { to: 'once@client.test', subject: 'Only once', key: 'invoice:42:created' });
    const b = await send(smtpTenant, { to: 'once@client.test', subject: 'Only once', key: 'invoice:42:created' });
    assert.equal(a.body.data.id, b.body.data.id);
    await waitFor(async () => smtp.received.find((m) => header(m.raw, 'Subject') === 'Only once'));
    assert.equal((await mailJobs(smtpTenant.tenant.id, 'Only once')).length, 1);
    assert.equal((await mailJobs(smtpTenant.tenant.id, 'Never sent')).length, 0);
    assert.equal(smtp.received.filter((m) => ['Never sent', 'Only once'].includes(header(m.raw, 'Subject') ?? '')).length, 1);
  });

  it('without SMTP settings writes an .eml file and an index line to DATA_DIR/mail-outbox/<tenant>', async () => {
    const res = await send(outboxTenant, { to: 'grace@client.test', subject: 'Outbox mail' });
    assert.equal(res.status, 200);
    const dir = join(dataDir, 'mail-outbox', outboxTenant.tenant.slug);
    // Other mails of this tenant (the notifications plugin welcomes its new client) land here too.
    const isOurs = (f: string) => f.endsWith('.eml') && header(readFileSync(join(dir, f), 'utf8'), 'Subject') === 'Outbox mail';
    const file = await waitFor(async () => (existsSync(dir) ? readdirSync(dir).find(isOurs) : undefined));
    assert.match(file, /^\d{8}-\d{6}\d*Z-[0-9a-f-]{36}\.eml$/);
    const raw = readFileSync(join(dir, file), 'utf8');
    assert.equal(header(raw, 'Subject'), 'Outbox mail');
    assert.equal(header(raw, 'To'), 'Ada Lovelace <grace@client.test>');
    assert.match(header(raw, 'From') ?? '', new RegExp(`no-reply@${outboxTenant.tenant.slug}\\.`));
    assert.match(body(raw), /Hello Ada, this is "Outbox mail"\./);
    const indexFile = join(dir, 'index.jsonl');
    const ourLines = () => (existsSync(indexFile) ? readFileSync(indexFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.subject === 'Outbox mail') : []);
    const index = await waitFor(async () => (ourLines().length ? ourLines() : undefined));
    assert.deepEqual(index.map((e: { file: string; subject: string; to: string[] }) => [e.file, e.subject, e.to]), [[file, 'Outbox mail', ['grace@client.test']]]);
    assert.equal(smtp.received.filter((m) => header(m.raw, 'Subject') === 'Outbox mail').length, 0);
  });

  it('hands the mail to a MailTransport extension when one is enabled for the tenant', async () => {
    const res = await send(relayTenant, { to: 'linus@client.test', subject: 'Relayed mail' });
    assert.equal(res.status, 200);
    const got = await waitFor(async () => relayed.find((r) => r.message.subject === 'Relayed mail'));
    assert.equal(got.tenantId, relayTenant.tenant.id);
    assert.deepEqual(got.message.to, [{ email: 'linus@client.test', name: 'Ada Lovelace' }]);
    assert.equal(got.message.attachments?.[0]?.content.toString(), 'attached text');
    assert.ok(!existsSync(join(dataDir, 'mail-outbox', relayTenant.tenant.slug)), 'no outbox file');
    assert.equal(relayed.filter((r) => r.tenantId !== relayTenant.tenant.id).length, 0, 'tenants that disabled the relay do not use it');
  });

  it('GET/PUT /api/v1/mail/settings: the tenant\'s own settings, the password never shown and kept when omitted', async () => {
    const got = await server.request('GET', '/api/v1/mail/settings', { token: smtpTenant.token });
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.equal(got.body.data.host, '127.0.0.1');
    assert.equal(got.body.data.passwordSet, true);
    assert.equal(got.body.data.deliversVia, 'smtp');
    assert.ok(!JSON.stringify(got.body).includes('smtp-secret-password'));
    const put = await server.request('PUT', '/api/v1/mail/settings', { token: smtpTenant.token, body: { fromName: 'Acme Billing' } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.data.fromName, 'Acme Billing');
    assert.equal((await mail().settings(smtpTenant.tenant.id)).password, 'smtp-secret-password');
    assert.equal((await server.request('PUT', '/api/v1/mail/settings', { token: smtpTenant.token, body: { port: 'x' } })).status, 400);
    const others = await server.request('GET', '/api/v1/mail/settings', { token: outboxTenant.token });
    assert.deepEqual([others.body.data.host, others.body.data.passwordSet, others.body.data.deliversVia], [undefined, false, 'outbox']);
    assert.equal((await server.request('GET', '/api/v1/mail/settings', { token: relayTenant.token })).body.data.deliversVia, 'extension');
    assert.equal((await server.request('GET', '/api/v1/mail/settings')).status, 401);
  });

  it('POST /api/v1/mail/test queues a test mail to the caller through the current delivery', async () => {
    const res = await server.request('POST', '/api/v1/mail/test', { token: smtpTenant.token, body: {} });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const got = await waitFor(async () => smtp.received.find((m) => header(m.raw, 'Subject') === 'mPanel test mail'));
    assert.deepEqual(got.to, [smtpTenant.admin.email]);
    assert.equal(header(got.raw, 'From'), 'Acme Billing <billing@acme.test>');
  });

  it('refuses a bad recipient at send time (the caller gets the error, not the job)', async () => {
    const res = await send(smtpTenant, { to: 'not-an-address', subject: 'Bad' });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /not an email address/);
  });
});
