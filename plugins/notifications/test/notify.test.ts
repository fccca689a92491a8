import assert from 'node:assert/strict';
import type { NotificationsService } from '@mpanel/sdk';
import type { Socket } from 'socket.io-client';
// eslint-disable-next-line no-restricted-imports
import type { TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser } from '../../../core/src/testing/auth.ts';
// eslint-disable-next-line no-restricted-imports
import { testSockets } from '../../../core/test/plugins/sockets.ts';
// eslint-disable-next-line no-restricted-imports
import type { SmtpCapture } from '../../../core/test/mail/smtp-capture.ts';
import { api, mailTo, startMailServer, waitFor } from './support/server.ts';
import { decodedHeader, mimeParts } from './support/mime.ts';

/**
 * The notifications service as other plugins use it: in-app rows with a realtime unread count,
 * mail by each user's preferences, recipients by permission, idempotent on redelivery, the daily
 * digest in the user's language, and nobody touching another user's notifications.
 */
describe('notifications: in-app, mail by preference, realtime unread count, digests', function () {
  this.timeout(180_000);
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let tenantId: string;
  let service: NotificationsService;
  let staff: { id: string; email: string; token: string };
  let socket: Socket;
  const sockets = testSockets();
  const counts: number[] = [];

  before(async () => {
    let admin: string;
    ({ server, smtp, admin, tenantId, close } = await startMailServer());
    service = server.running.platform.container.cradle.pluginServices.get('notifications')!.impl as NotificationsService;
    service.registerType({ type: 'tests.ping', description: 'A test notification', defaults: { inApp: true, mail: true } });
    staff = await createUser(server, admin, ['support'], { email: 'agent@acme.test' });
    socket = await sockets.open(server.url, staff.token);
    socket.on('notifications:unread', (p: { count: number }) => counts.push(p.count));
  });
  after(async () => {
    sockets.closeAll();
    await close?.();
  });

  it('a notification reaches the bell (unread count pushed over the socket) and, by default, the mailbox', async () => {
    assert.equal(await service.notify({ type: 'tests.ping', userIds: [staff.id], title: 'Ping 1', body: 'first', tenantId }), 1);
    await waitFor(async () => counts.at(-1) === 1);
    await mailTo(smtp, 'agent@acme.test', 'Ping 1');
    const list = await api(server, staff.token)('GET', '/api/v1/notifications');
    assert.equal(list.length, 1);
    assert.equal(list[0].title, 'Ping 1');
  });

  it('with the mail preference off: in-app only, no mail queued', async () => {
    const me = api(server, staff.token);
    const prefs = await me('PUT', '/api/v1/notifications/preferences', { types: { 'tests.ping': { inApp: true, mail: false } } });
    assert.deepEqual(prefs.types.find((t: { type: string }) => t.type === 'tests.ping'), { type: 'tests.ping', description: 'A test notification', inApp: true, mail: false });
    await service.notify({ type: 'tests.ping', userIds: [staff.id], title: 'Ping 2', tenantId });
    await waitFor(async () => counts.at(-1) === 2);
    assert.equal((await me('GET', '/api/v1/notifications/unread-count')).count, 2);
    // A later mail to the same mailbox arrives; Ping 2 never does, and was never logged or queued.
    await service.sendMail({ template: 'notifications.notice', to: { email: 'agent@acme.test' }, data: { title: 'Marker' }, tenantId });
    await mailTo(smtp, 'agent@acme.test', 'Marker');
    assert.ok(!smtp.received.some((m) => decodedHeader(m.raw, 'Subject') === 'Ping 2'));
    assert.equal(await server.knex('notification_mail_log').where({ subject: 'Ping 2' }).count({ n: '*' }).first().then((r) => Number(r!.n)), 0);
  });

  it('in-app off too: nothing at all', async () => {
    await api(server, staff.token)('PUT', '/api/v1/notifications/preferences', { types: { 'tests.ping': { inApp: false, mail: false } } });
    assert.equal(await service.notify({ type: 'tests.ping', userIds: [staff.id], title: 'Ping 3', tenantId }), 0);
    assert.equal(Number((await server.knex('notifications').where({ title: 'Ping 3' }).count({ n: '*' }))[0]!.n), 0);
    await api(server, staff.token)('PUT', '/api/v1/notifications/preferences', { types: { 'tests.ping': { inApp: true, mail: false } } });
  });

  it('marking read pushes the new count; the same idempotency key twice is one notification', async () => {
    const me = api(server, staff.token);
    const [first] = await me('GET', '/api/v1/notifications?unread=true');
    await me('POST', `/api/v1/notifications/${first.id}/read`);
    await waitFor(async () => counts.at(-1) === 1);
    await me('POST', '/api/v1/notifications/read-all');
    await waitFor(async () => counts.at(-1) === 0);
    for (let i = 0; i < 2; i++) await service.notify({ type: 'tests.ping', userIds: [staff.id], title: 'Once', idempotencyKey: 'event-1', tenantId });
    assert.equal(Number((await server.knex('notifications').where({ title: 'Once' }).count({ n: '*' }))[0]!.n), 1);
  });

  it('recipients by permission: staff holding it (super admins included), not others', async () => {
    const n = await service.notify({ type: 'tests.ping', permission: 'mail-templates.write', title: 'For template editors', tenantId });
    const rows = (await server.knex('notifications as n').join('users as u', 'u.id', 'n.user_id').where('n.title', 'For template editors').pluck('u.email')) as string[];
    assert.equal(n, rows.length);
    assert.ok(rows.includes('admin@example.test'));
    assert.ok(!rows.includes('agent@acme.test'), 'support does not hold mail-templates.write');
  });

  it('a user cannot read or mark another user\'s notifications; another tenant\'s user id is nobody here', async () => {
    const other = (await server.knex('notifications').where({ title: 'For template editors' }).first('id')) as { id: string };
    assert.equal((await server.request('POST', `/api/v1/notifications/${other.id}/read`, { token: staff.token })).status, 404);
    const b = await createTenantWithAdmin(server);
    assert.equal(await service.notify({ type: 'tests.ping', userIds: [b.admin.id], title: 'Cross-tenant', tenantId }), 0, 'tenant A cannot notify tenant B\'s user');
    assert.deepEqual(await api(server, b.token)('GET', '/api/v1/notifications'), []);
  });

  it('the daily digest mails unread notifications once, in the user\'s language', async () => {
    await api(server, staff.token)('PUT', '/api/v1/notifications/preferences', { digest: true, language: 'de' });
    await service.notify({ type: 'tests.ping', userIds: [staff.id], title: 'Digest me', body: 'please', tenantId });
    const { jobQueue } = server.running.platform.container.cradle;
    for (let i = 0; i < 2; i++) await jobQueue.enqueue('notifications', 'notifications.digest', { day: '2026-12-07' }, { tenantId: null, jobId: `digest-test-${i}` });
    const mail = await mailTo(smtp, 'agent@acme.test', /ungelesene Benachrichtigungen$/);
    // Unread and never digested: "Once" from above and this one.
    assert.match(decodedHeader(mail.raw, 'Subject'), /^2 ungelesene/);
    const { text } = mimeParts(mail.raw);
    assert.match(text, /^Hallo agent@acme\.test,/);
    assert.match(text, /- Digest me: please\n/);
    await waitFor(async () => Number((await server.knex('notifications').where({ title: 'Digest me' }).whereNotNull('digested_at').count({ n: '*' }))[0]!.n) === 1);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(smtp.received.filter((m) => /ungelesene/.test(decodedHeader(m.raw, 'Subject'))).length, 1);
  });
});
