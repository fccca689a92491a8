import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, superAdminToken } from '../../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import { waitFor } from '../../../../core/test/plugins/wait.ts';
// eslint-disable-next-line no-restricted-imports
import { header, SmtpCapture } from '../../../../core/test/mail/smtp-capture.ts';

/**
 * Announcements: shown once their date has come (portal and the public page), drafts and staff
 * ones never to clients, and "mail it" sends each client one mail through the announcement
 * template in the client's language.
 */
describe('support: announcements', function () {
  this.timeout(180_000);
  let server: TestServer;
  let smtp: SmtpCapture;
  let dataDir: string;
  let admin: string;
  let client: string;
  const req = (token: string | undefined, method: string, path: string, body?: unknown) => server.request(method, path, { ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });
  const data = async (token: string | undefined, method: string, path: string, body?: unknown) => {
    const res = await req(token, method, path, body);
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  const titles = (rows: Array<{ title: string }>) => rows.map((r) => r.title);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mpanel-ann-'));
    smtp = new SmtpCapture();
    const port = await smtp.listen();
    server = await startTestServer({ env: { DATA_DIR: dataDir, MPANEL_ALLOW_PRIVATE_TARGETS: 'true' } });
    admin = await superAdminToken(server);
    const tenantId = ((await server.knex('tenants').where({ slug: 'default' }).first('id')) as { id: string }).id;
    await server.running.platform.container.cradle.mail.saveSettings(tenantId, { host: '127.0.0.1', port, secure: false, fromEmail: 'noreply@acme.test' });
    const en = await data(admin, 'POST', '/api/v1/clients', { email: 'ann-en@client.test', firstName: 'Ann', lastName: 'English', country: 'US' });
    await data(admin, 'POST', '/api/v1/clients', { email: 'ann-de@client.test', firstName: 'Anna', lastName: 'Deutsch', country: 'DE', language: 'de' });
    client = (await createUser(server, admin, ['client'], { clientId: en.id })).token;
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('published now: in the portal and on the public page; a later date, a draft or a staff one: not yet / never', async () => {
    await data(admin, 'POST', '/api/v1/announcements', { title: 'Now public', body: 'Hello **all**' });
    await data(admin, 'POST', '/api/v1/announcements', { title: 'Next week', body: 'later', publishAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
    await data(admin, 'POST', '/api/v1/announcements', { title: 'Still a draft', body: 'x', status: 'draft' });
    await data(admin, 'POST', '/api/v1/announcements', { title: 'Staff only', body: 'x', visibility: 'staff' });
    await data(admin, 'POST', '/api/v1/announcements', { title: 'Clients only', body: 'x', visibility: 'clients' });
    assert.deepEqual(titles(await data(client, 'GET', '/api/v1/announcements')).sort(), ['Clients only', 'Now public']);
    assert.deepEqual(titles(await data(undefined, 'GET', '/api/v1/announcements/public')), ['Now public']);
    const staffView = titles(await data(admin, 'GET', '/api/v1/announcements?perPage=100'));
    for (const t of ['Now public', 'Next week', 'Still a draft', 'Staff only']) assert.ok(staffView.includes(t), t);
    const [shown] = await data(undefined, 'GET', '/api/v1/announcements/public');
    assert.match(shown.html, /<strong>all<\/strong>/);
    const support = (await createUser(server, admin, ['support'])).token;
    assert.ok(!titles(await data(support, 'GET', '/api/v1/announcements?perPage=100')).includes('Still a draft'), 'drafts only for writers');
  });

  it('"mail it to the clients": each active client gets one mail, in its language, through the template', async () => {
    await data(admin, 'POST', '/api/v1/announcements', { title: 'Maintenance on Friday', body: 'Mail is down for ten minutes.', mailClients: true });
    const en = await waitFor(async () => smtp.received.find((m) => m.to.includes('ann-en@client.test') && header(m.raw, 'Subject') === 'Maintenance on Friday'), 30_000);
    assert.match(en.raw, /Hello Ann English/);
    const de = await waitFor(async () => smtp.received.find((m) => m.to.includes('ann-de@client.test') && header(m.raw, 'Subject') === 'Maintenance on Friday'), 30_000);
    assert.match(de.raw, /Hallo Anna Deutsch/);
    // The five-minute tick later finds nothing left to mail.
    const { jobQueue } = server.running.platform.container.cradle;
    await jobQueue.enqueue('support', 'announcements.mail', {}, { tenantId: null, jobId: 'ann-tick' });
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(smtp.received.filter((m) => header(m.raw, 'Subject') === 'Maintenance on Friday').length, 2);
    const row = await server.knex('announcements').where({ title: 'Maintenance on Friday' }).first('mailed_at');
    assert.ok(row.mailed_at);
  });

  it('another tenant sees and changes none of them', async () => {
    const b = await createTenantWithAdmin(server);
    assert.deepEqual(await data(b.token, 'GET', '/api/v1/announcements'), []);
    const a = (await server.knex('announcements').first('id')) as { id: string };
    assert.equal((await req(b.token, 'PATCH', `/api/v1/announcements/${a.id}`, { title: 'hijack' })).status, 404);
    assert.equal((await req(b.token, 'DELETE', `/api/v1/announcements/${a.id}`)).status, 404);
    assert.equal((await req(client, 'POST', '/api/v1/announcements', { title: 'x', body: 'y' })).status, 403);
  });
});
