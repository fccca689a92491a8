import assert from 'node:assert/strict';
import { startSupportServer, type SupportServer } from './support/server.ts';
import { b64, portalClient, tenantWithDepartment, type PortalClient } from './support/fixtures.ts';
import type { TenantWithAdmin } from '../../../core/src/testing/auth.ts'; // eslint-disable-line no-restricted-imports
// eslint-disable-next-line no-restricted-imports
import { createUser } from '../../../core/src/testing/auth.ts';

describe('support tickets over HTTP', function () {
  this.timeout(180_000);
  let s: SupportServer;
  let t: TenantWithAdmin & { departmentId: string };
  let grace: PortalClient;
  let alan: PortalClient;
  const req = (method: string, path: string, token: string, body?: unknown) => s.server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
  const open = (c: PortalClient, extra: Record<string, unknown> = {}) => req('POST', '/api/v1/tickets', c.token, { departmentId: t.departmentId, subject: 'Site down', body: 'My site is down', ...extra });

  before(async () => {
    s = await startSupportServer();
    t = await tenantWithDepartment(s.server);
    grace = await portalClient(s.server, t, 'Grace');
    alan = await portalClient(s.server, t, 'Alan');
  });
  after(async () => { await s?.close(); });

  it('a client opens a ticket with an attachment; another client gets 404 for it and its attachment', async () => {
    const res = await open(grace, { attachments: [{ filename: 'error.log', contentBase64: b64('Fatal: out of memory') }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.data.id as string;
    assert.equal(res.body.data.status, 'open');
    assert.equal(res.body.data.tags, undefined, 'clients do not see staff fields');
    const own = await req('GET', `/api/v1/tickets/${id}`, grace.token);
    assert.equal(own.status, 200);
    const att = own.body.data.messages[0].attachments[0];
    assert.equal(att.filename, 'error.log');
    const file = await s.server.request('GET', `/api/v1/tickets/${id}/attachments/${att.id}`, { token: grace.token });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    assert.match(String(file.headers.get('content-disposition')), /^attachment; filename="error.log"/);
    assert.match(String(file.headers.get('content-type')), /^text\/plain/);
    assert.equal((await req('GET', `/api/v1/tickets/${id}`, alan.token)).status, 404);
    assert.equal((await s.server.request('GET', `/api/v1/tickets/${id}/attachments/${att.id}`, { token: alan.token })).status, 404);
    assert.equal((await req('POST', `/api/v1/tickets/${id}/messages`, alan.token, { body: 'hijack' })).status, 404);
    const alansList = await req('GET', '/api/v1/tickets', alan.token);
    assert.equal(alansList.body.meta.total, 0);
  });

  it('refuses an attachment that is too large or of a refused type, and stores nothing', async () => {
    const before = await s.server.knex('tickets').count({ n: '*' }).first();
    const tooBig = await open(grace, { attachments: [{ filename: 'big.txt', contentBase64: b64(Buffer.alloc(600 * 1024, 'a')) }] });
    assert.equal(tooBig.status, 400, JSON.stringify(tooBig.body));
    assert.match(tooBig.body.details.attachments, /larger than/);
    const exe = await open(grace, { attachments: [{ filename: 'invoice.html', contentBase64: b64('<script>alert(1)</script>') }] });
    assert.equal(exe.status, 400);
    assert.match(exe.body.details.attachments, /not accepted/);
    assert.deepEqual(await s.server.knex('tickets').count({ n: '*' }).first(), before);
  });

  it('staff answer with a canned reply; the status follows who spoke; the client closes and rates it', async () => {
    const id = (await open(grace)).body.data.id as string;
    const canned = await req('POST', '/api/v1/canned-replies', t.token, { title: 'Restarted', body: 'Hello {{client.firstName}}, ticket #{{ticket.number}} is fixed. {{unknown.thing}}' });
    assert.equal(canned.status, 201, JSON.stringify(canned.body));
    const rendered = await req('GET', `/api/v1/tickets/${id}/canned-replies/${canned.body.data.id}`, t.token);
    assert.match(rendered.body.data.body, /^Hello Grace, ticket #\d+ is fixed\. \{\{unknown\.thing\}\}$/);
    const answer = await req('POST', `/api/v1/tickets/${id}/messages`, t.token, { body: rendered.body.data.body });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const note = await req('POST', `/api/v1/tickets/${id}/messages`, t.token, { body: 'customer is on old PHP', internal: true });
    assert.equal(note.status, 201);
    assert.equal((await req('POST', `/api/v1/tickets/${id}/messages`, grace.token, { body: 'secret', internal: true })).status, 400);
    let view = await req('GET', `/api/v1/tickets/${id}`, grace.token);
    assert.equal(view.body.data.status, 'answered');
    assert.deepEqual(view.body.data.messages.map((m: { authorKind: string }) => m.authorKind), ['client', 'staff'], 'the internal note is hidden from the client');
    await req('POST', `/api/v1/tickets/${id}/messages`, grace.token, { body: 'Thanks, works again' });
    view = await req('GET', `/api/v1/tickets/${id}`, t.token);
    assert.equal(view.body.data.status, 'customer_reply');
    assert.equal(view.body.data.messages.length, 4);
    assert.equal((await req('POST', `/api/v1/tickets/${id}/rating`, grace.token, { rating: 5 })).status, 409, 'only a closed ticket is rated');
    assert.equal((await req('POST', `/api/v1/tickets/${id}/close`, grace.token)).status, 200);
    const rated = await req('POST', `/api/v1/tickets/${id}/rating`, grace.token, { rating: 5, comment: 'quick' });
    assert.equal(rated.status, 200, JSON.stringify(rated.body));
    assert.equal((await s.server.knex('tickets').where({ id }).first()).rating, 5);
    assert.equal((await req('POST', `/api/v1/tickets/${id}/rating`, grace.token, { rating: 9 })).status, 400);
  });

  it('warns of a collision when another staff member answered meanwhile', async () => {
    const id = (await open(grace)).body.data.id as string;
    const second = await createUser(s.server, t.token, ['support'], { tenant: t.tenant.slug });
    const first = (await req('GET', `/api/v1/tickets/${id}`, t.token)).body.data.messages[0].id as string;
    assert.deepEqual((await req('POST', `/api/v1/tickets/${id}/presence`, t.token, { state: 'replying' })).body.data, []);
    const seen = await req('POST', `/api/v1/tickets/${id}/presence`, second.token, { state: 'replying' });
    assert.equal(seen.body.data[0].state, 'replying', 'the second agent sees the first one replying');
    assert.equal((await req('POST', `/api/v1/tickets/${id}/messages`, second.token, { body: 'On it', lastSeenMessageId: first })).status, 201);
    const late = await req('POST', `/api/v1/tickets/${id}/messages`, t.token, { body: 'Looking', lastSeenMessageId: first });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.equal((await req('POST', `/api/v1/tickets/${id}/messages`, t.token, { body: 'Looking', lastSeenMessageId: first, force: true })).status, 201);
  });

  it('merge keeps every message (notes too), split moves chosen ones, the queue filters', async () => {
    const a = (await open(grace, { subject: 'A' })).body.data.id as string;
    const b = (await open(grace, { subject: 'B' })).body.data.id as string;
    await req('POST', `/api/v1/tickets/${a}/messages`, t.token, { body: 'note on A', internal: true });
    await req('POST', `/api/v1/tickets/${b}/messages`, grace.token, { body: 'more on B' });
    const count = async (id: string) => Number((await s.server.knex('ticket_messages').where({ ticket_id: id }).count({ n: '*' }).first())!.n);
    const [na, nb] = [await count(a), await count(b)];
    assert.equal((await req('POST', `/api/v1/tickets/${a}/merge`, t.token, { intoTicketId: b })).status, 200);
    assert.equal(await count(a), 0);
    assert.equal(await count(b), na + nb + 1, 'every message moved, plus the merge note');
    assert.equal((await s.server.knex('tickets').where({ id: a }).first()).merged_into_id, b);
    assert.equal((await req('POST', `/api/v1/tickets/${a}/merge`, t.token, { intoTicketId: b })).status, 409);
    const other = (await open(alan)).body.data.id as string;
    assert.equal((await req('POST', `/api/v1/tickets/${b}/merge`, t.token, { intoTicketId: other })).status, 400, 'another client\'s ticket');
    const moved = (await s.server.knex('ticket_messages').where({ ticket_id: b, author_kind: 'client' }).orderBy('created_at').pluck('id')).slice(-1);
    const split = await req('POST', `/api/v1/tickets/${b}/split`, t.token, { messageIds: moved, subject: 'Split off' });
    assert.equal(split.status, 201, JSON.stringify(split.body));
    assert.equal(await count(split.body.data.id), 1);
    const queue = await req('GET', `/api/v1/tickets?departmentId=${t.departmentId}&status=open,customer_reply&assignee=none&perPage=100`, t.token);
    assert.equal(queue.status, 200);
    assert.ok(queue.body.data.some((x: { id: string }) => x.id === split.body.data.id));
    assert.ok(!queue.body.data.some((x: { id: string }) => x.id === a), 'merged tickets leave the queue');
  });

  it('staff open a ticket for a client: the contact is the client (mails greet them), not the staff member', async () => {
    const opened = await req('POST', '/api/v1/tickets', t.token, { departmentId: t.departmentId, clientId: alan.clientId, subject: 'Your renewal', body: 'We noticed your card expires.' });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const row = await s.server.knex('tickets').where({ id: opened.body.data.id }).first('contact_name', 'contact_email');
    assert.deepEqual(row, { contact_name: 'Alan Client', contact_email: alan.email });
    const named = await req('POST', '/api/v1/tickets', t.token, { departmentId: t.departmentId, clientId: alan.clientId, contactName: 'Alan T.', subject: 'Named', body: 'As given.' });
    assert.equal((await s.server.knex('tickets').where({ id: named.body.data.id }).first('contact_name')).contact_name, 'Alan T.');
  });

  it('round robin assigns the department members in turn', async () => {
    const one = await createUser(s.server, t.token, ['support'], { tenant: t.tenant.slug });
    const two = await createUser(s.server, t.token, ['support'], { tenant: t.tenant.slug });
    const dept = await req('POST', '/api/v1/ticket-departments', t.token, { name: 'Sales', roundRobin: true, memberUserIds: [one.id, two.id] });
    assert.equal(dept.status, 201, JSON.stringify(dept.body));
    const assignees = [];
    for (let i = 0; i < 4; i++) {
      const res = await open(grace, { departmentId: dept.body.data.id });
      assignees.push((await s.server.knex('tickets').where({ id: res.body.data.id }).first()).assignee_user_id);
    }
    assert.equal(new Set(assignees).size, 2);
    assert.equal(assignees[0], assignees[2]);
    assert.equal(assignees[1], assignees[3]);
    assert.notEqual(assignees[0], assignees[1]);
  });
});
