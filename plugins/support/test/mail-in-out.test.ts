import assert from 'node:assert/strict';
import { startSupportServer, type SupportServer } from './support/server.ts';
import { portalClient, tenantWithDepartment, type PortalClient } from './support/fixtures.ts';
import { SmtpCapture, body, deliver, header, mailTo, waitFor } from './support/mail.ts';
import type { TenantWithAdmin } from '../../../core/src/testing/auth.ts'; // eslint-disable-line no-restricted-imports

const PORT = 34025;

describe('support mail in and out (SMTP receiver, threaded replies)', function () {
  this.timeout(180_000);
  let s: SupportServer;
  let smtp: SmtpCapture;
  let a: TenantWithAdmin & { departmentId: string };
  let b: TenantWithAdmin & { departmentId: string };
  let grace: PortalClient;
  const deskA = `support-${process.pid}@acme.test`;
  const deskB = `help-${process.pid}@beta.test`;
  const tickets = (tenantId: string) => s.server.knex('tickets').where({ tenant_id: tenantId }).orderBy('number');
  const captured = (to: string) => smtp.received.filter((m) => m.to.includes(to));

  before(async () => {
    smtp = new SmtpCapture();
    const out = await smtp.listen();
    process.env.SUPPORT_SMTP_PORT = String(PORT);
    s = await startSupportServer({ MPANEL_ALLOW_PRIVATE_TARGETS: 'true' });
    a = await tenantWithDepartment(s.server, { email: deskA, unknownSenderPolicy: 'guest' });
    b = await tenantWithDepartment(s.server, { email: deskB, unknownSenderPolicy: 'reject' });
    for (const t of [a, b]) await mailTo(s.server, t.tenant.id, out);
    grace = await portalClient(s.server, a, 'Grace');
  });
  after(async () => {
    delete process.env.SUPPORT_SMTP_PORT;
    await s?.close();
    await smtp?.close();
  });

  it('a mail to the department address opens a ticket in that tenant and department; staff reply and client reply thread', async () => {
    await deliver(PORT, { from: `Grace <${grace.email}>`, to: deskA, subject: 'Server down', text: 'My server is down since 9:00.\n\n-- \nGrace, CTO', messageId: '<first-1@client.test>' });
    const [ticket] = await tickets(a.tenant.id);
    assert.ok(ticket, 'ticket created');
    assert.equal(ticket.department_id, a.departmentId);
    assert.equal(ticket.client_id, grace.clientId, 'the sender is a known client');
    assert.equal((await tickets(b.tenant.id)).length, 0, 'nothing in the other tenant');
    const first = await s.server.knex('ticket_messages').where({ ticket_id: ticket.id }).first();
    assert.equal(first.body, 'My server is down since 9:00.', 'signature trimmed');
    assert.equal(first.via, 'mail');
    // The receipt is an auto-reply itself (found by its subject: billing's welcome mail to the new client may come first).
    const receipt = await waitFor(async () => captured(grace.email).find((m) => header(m.raw, 'Subject') === `[#${ticket.number}] Server down`));
    assert.equal(header(receipt.raw, 'Auto-Submitted'), 'auto-replied');

    const answer = await s.server.request('POST', `/api/v1/tickets/${ticket.id}/messages`, { token: a.token, body: { body: 'We restarted it.' } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const reply = await waitFor(async () => captured(grace.email).find((m) => /We restarted it/.test(body(m.raw))));
    assert.equal(header(reply.raw, 'In-Reply-To'), '<first-1@client.test>');
    assert.match(header(reply.raw, 'References') ?? '', /<first-1@client\.test>/);
    const staffMessageId = header(reply.raw, 'Message-ID')!;
    assert.match(staffMessageId, new RegExp(`^<ticket\\.${ticket.id}\\.`));
    assert.match(header(reply.raw, 'Subject')!, new RegExp(`\\[#${ticket.number}\\]`));
    const replyTo = /<?([^<>\s]+@acme\.test)>?$/.exec(header(reply.raw, 'Reply-To')!)![1]!;
    assert.match(replyTo, new RegExp(`^support-${process.pid}\\+${ticket.number}-[a-z0-9]{12}@acme\\.test$`));

    // The client answers from the mail program: quoted history below, threading headers set.
    await deliver(PORT, {
      from: grace.email, to: replyTo, subject: `Re: [#${ticket.number}] Server down`, messageId: '<second-1@client.test>',
      inReplyTo: staffMessageId, references: `<first-1@client.test> ${staffMessageId}`,
      text: `Works again, thanks!\n\nOn Mon, 7 Dec 2026 at 09:30, Support <${deskA}> wrote:\n> We restarted it.\n`,
    });
    assert.equal((await tickets(a.tenant.id)).length, 1, 'no new ticket');
    const messages = await s.server.knex('ticket_messages').where({ ticket_id: ticket.id }).orderBy('created_at');
    assert.equal(messages.length, 3);
    assert.equal(messages[2].body, 'Works again, thanks!');
    assert.equal((await s.server.knex('tickets').where({ id: ticket.id }).first()).status, 'customer_reply');

    // A forged reply address (wrong token) from a stranger opens a separate guest ticket, not a post on Grace's.
    await deliver(PORT, { from: 'mallory@evil.test', to: `support-${process.pid}+${ticket.number}-aaaaaaaaaaaa@acme.test`, subject: 'inject', text: 'hi' });
    assert.equal(await s.server.knex('ticket_messages').where({ ticket_id: ticket.id }).count({ n: '*' }).first().then((r) => Number(r!.n)), 3);
  });

  it('mail to the other tenant lands there; its department rejects unknown senders; unknown addresses are refused', async () => {
    await assert.rejects(deliver(PORT, { from: 'stranger@nowhere.test', to: deskB, subject: 'Hello', text: 'who are you' }), (err: { responseCode?: number }) => err.responseCode === 550);
    assert.equal((await tickets(b.tenant.id)).length, 0);
    const client = await portalClient(s.server, b, 'Barbara');
    await deliver(PORT, { from: client.email, to: deskB, subject: 'Billing question', text: 'Why?' });
    const [ticket] = await tickets(b.tenant.id);
    assert.equal(ticket?.client_id, client.clientId);
    assert.equal(ticket?.department_id, b.departmentId);
    await assert.rejects(deliver(PORT, { from: grace.email, to: `nobody-${process.pid}@acme.test`, subject: 'x', text: 'x' }), (err: { responseCode?: number }) => err.responseCode === 550);
  });

  it('department policy create_client makes a client account of an unknown sender', async () => {
    const patch = await s.server.request('PATCH', `/api/v1/ticket-departments/${a.departmentId}`, { token: a.token, body: { unknownSenderPolicy: 'create_client' } });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    await deliver(PORT, { from: 'Linus Newcomer <linus@newcomer.test>', to: deskA, subject: 'First contact', text: 'Hello there' });
    const client = await s.server.knex('clients').where({ tenant_id: a.tenant.id, email: 'linus@newcomer.test' }).first();
    assert.equal(client?.first_name, 'Linus');
    const ticket = await s.server.knex('tickets').where({ tenant_id: a.tenant.id, contact_email: 'linus@newcomer.test' }).first();
    assert.equal(ticket.client_id, client.id);
    // Its receipt is delivered before the next test counts what was mailed.
    await waitFor(async () => captured('linus@newcomer.test')[0]);
    await s.server.request('PATCH', `/api/v1/ticket-departments/${a.departmentId}`, { token: a.token, body: { unknownSenderPolicy: 'guest' } });
  });

  it('an auto-reply opens no ticket and is never answered', async () => {
    const before = (await tickets(a.tenant.id)).length;
    const sentBefore = smtp.received.length;
    const automated: Array<Record<string, string>> = [{ 'Auto-Submitted': 'auto-replied' }, { Precedence: 'bulk' }, { 'X-Autoreply': 'yes' }];
    for (const headers of automated) {
      await deliver(PORT, { from: 'robot@vacation.test', to: deskA, subject: 'Out of office', text: 'I am away', headers });
    }
    assert.equal((await tickets(a.tenant.id)).length, before);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(smtp.received.length, sentBefore, 'nothing mailed back');
    assert.equal(captured('robot@vacation.test').length, 0);
  });

  it('a flood from one sender is throttled (temporary refusal) after the tenant\'s budget', async () => {
    const set = await s.server.request('PUT', '/api/v1/plugins/support/settings', { token: a.token, body: { mailPerSenderPerHour: 3 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const before = (await tickets(a.tenant.id)).length;
    const codes: Array<number | 'ok'> = [];
    for (let i = 0; i < 6; i++) {
      codes.push(await deliver(PORT, { from: 'flood@spam.test', to: deskA, subject: `Flood ${i}`, text: 'buy now' }).then(() => 'ok' as const, (err: { responseCode: number }) => err.responseCode));
    }
    assert.deepEqual(codes, ['ok', 'ok', 'ok', 450, 450, 450]);
    assert.equal((await tickets(a.tenant.id)).length, before + 3);
    // Another sender is not held up by the flood.
    await deliver(PORT, { from: 'calm@client.test', to: deskA, subject: 'Calm', text: 'a question' });
    assert.equal((await tickets(a.tenant.id)).length, before + 4);
  });
});
