import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { Harness, waitFor, type World } from './provisioning/harness.ts';

/**
 * Issue 18, panel side of the remaining items: a mail change the server could not apply (Dovecot
 * down) shows as `pending` with its reason (staff: the server's words, client: neutral) until the
 * retry lands; `GET …/mail-usage` gives each mailbox's real usage next to its quota, for the owner;
 * a change of the plan's policy for incoming mail reaches the existing mailboxes.
 */
describe('hosting: pending mail changes and mailbox usage', function () {
  this.timeout(180_000);
  const h = new Harness();
  let w: World;
  let base: string;
  let clientToken: string;
  let otherClientToken: string;
  let b: TenantWithAdmin;
  let mailDomainId: string;
  const domain = `pending-${randomUUID().slice(0, 6)}.test`;
  const DOWN = 'Dovecot is not running (no live process in /run/dovecot/master.pid): mailboxes could neither log in nor receive; the change waits for Dovecot';
  const opDone = (id: string) => waitFor(async () => ((await h.knex('provisioning_operations').where({ id }).first())?.status === 'succeeded' ? true : null), 20_000, `operation ${id} succeeded`);

  before(async () => {
    await h.start();
    w = await h.world();
    const o = await h.order(w);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId), 30_000, 'account');
    await h.opWhere(account.id, 'create', 'succeeded');
    clientToken = (await createUser(h.server, w.t.token, ['client'], { tenant: w.t.tenant.slug, clientId: o.clientId })).token;
    const other = await h.order(w);
    otherClientToken = (await createUser(h.server, w.t.token, ['client'], { tenant: w.t.tenant.slug, clientId: other.clientId })).token;
    b = await createTenantWithAdmin(h.server);
    base = `/api/v1/hosting-accounts/${account.id}`;
    const md = (await h.api(clientToken, 'POST', `${base}/mail-domains`, { domain }, 201)).body.data;
    mailDomainId = md.id;
    await opDone(md.operation.id);
  });
  after(() => h.stop());

  it('a mailbox the server could not apply is pending with the reason (staff: the server\'s, client: neutral), then settles with no pending', async () => {
    w.remote.inject({ action: 'resource.ensure', code: 'REMOTE_UNAVAILABLE', retryable: true, message: DOWN });
    const created = (await h.api(clientToken, 'POST', `${base}/mailboxes`, { mailDomainId, localPart: 'late', password: 'a long passphrase', quotaMb: 10 }, 201)).body.data;
    const staff = await waitFor(async () => {
      const got = (await h.api(w.t.token, 'GET', `${base}/mailboxes/${created.id}`, undefined, 200)).body.data;
      return got.pending?.status === 'retrying' ? got : null;
    }, 20_000, 'the mailbox pending');
    assert.equal(staff.state, 'creating');
    assert.deepEqual({ ...staff.pending, nextAttemptAt: typeof staff.pending.nextAttemptAt }, {
      operationId: created.operation.id, action: 'resource.ensure', status: 'retrying', attempt: 1, nextAttemptAt: 'string', reason: `REMOTE_UNAVAILABLE: ${DOWN}`,
    });
    assert.ok(Date.parse(staff.pending.nextAttemptAt) > Date.now(), 'the next try is ahead');
    const mine = (await h.api(clientToken, 'GET', `${base}/mailboxes`, undefined, 200)).body.data;
    assert.equal(mine.length, 1);
    const op = await h.knex('provisioning_operations').where({ id: created.operation.id }).first();
    assert.equal(mine[0].pending.reason, op.client_message, 'the client sees the operation\'s client message');
    assert.ok(!/dovecot|REMOTE_/i.test(mine[0].pending.reason), `never the server's words: ${mine[0].pending.reason}`);
    assert.equal((await h.api(otherClientToken, 'GET', `${base}/mailboxes/${created.id}`)).status, 404);
    assert.equal((await h.api(b.token, 'GET', `${base}/mailboxes/${created.id}`)).status, 404);
    assert.equal(w.remote.resources.has(created.id), false, 'the server has nothing');

    // The engine's schedule tries again 30 s after the first failure; the server answers this time.
    await waitFor(async () => ((await h.knex('provisioning_operations').where({ id: created.operation.id }).first())?.status === 'succeeded' ? true : null), 90_000, 'the retry');
    const settled = (await h.api(clientToken, 'GET', `${base}/mailboxes/${created.id}`, undefined, 200)).body.data;
    assert.deepEqual([settled.state, 'pending' in settled], ['active', false]);
    assert.equal(w.remote.resources.has(created.id), true);
  });

  it('mail-usage: the owner and staff read each mailbox\'s usage next to its quota as the server reports it; others get 404', async () => {
    const box = (await h.knex('mailboxes').where({ local_part: 'late' }).first()) as { id: string };
    (w.remote.resources.get(box.id) as unknown as { detail: Record<string, unknown> }).detail = { usageMb: 3.5, usageBytes: 3_670_016, sentThisHour: 2 };
    for (const token of [clientToken, w.t.token]) {
      const u = (await h.api(token, 'GET', `${base}/mail-usage`, undefined, 200)).body.data;
      assert.deepEqual(u, { mailboxes: [{ mailboxId: box.id, address: `late@${domain}`, quotaMb: 10, observed: true, usageMb: 3.5, usageBytes: 3_670_016 }], note: null });
    }
    assert.equal((await h.api(otherClientToken, 'GET', `${base}/mail-usage`)).status, 404);
    assert.equal((await h.api(b.token, 'GET', `${base}/mail-usage`)).status, 404);
    // A server that does not report usage: null, never a made-up 0.
    (w.remote.resources.get(box.id) as unknown as { detail: Record<string, unknown> }).detail = { sentThisHour: 2 };
    const none = (await h.api(clientToken, 'GET', `${base}/mail-usage`, undefined, 200)).body.data;
    assert.deepEqual([none.mailboxes[0].usageMb, none.mailboxes[0].usageBytes, none.mailboxes[0].observed], [null, null, true]);
    // The server does not answer: 200 with a plain note for the page, never the server's words.
    w.remote.inject({ action: 'resource.observe', code: 'UNREACHABLE', retryable: true, message: 'connect ECONNREFUSED 10.0.0.9:8443' });
    const down = await h.api(clientToken, 'GET', `${base}/mail-usage`, undefined, 200);
    assert.deepEqual(down.body.data.mailboxes, []);
    assert.match(down.body.data.note, /could not be asked/);
    assert.equal(JSON.stringify(down.body).includes('ECONNREFUSED'), false);
  });

  it('changing the plan\'s policy for incoming mail re-sends every live mailbox of the plan with it; other plan changes send nothing', async () => {
    const box = (await h.knex('mailboxes').where({ local_part: 'late' }).first()) as { id: string };
    const opsOf = async () => (await h.knex('provisioning_operations').where({ subject_id: box.id }).orderBy('created_at')) as Array<{ id: string; desired: { resource: { suspendPolicy: string } } }>;
    const before = (await opsOf()).length;
    const plan = `/api/v1/hosting-plans/${w.planId}`;
    await h.api(w.t.token, 'PATCH', plan, { description: 'nothing about mail' }, 200);
    await h.api(w.t.token, 'PATCH', plan, { suspensionPolicy: { web: '503' } }, 200);
    assert.equal((await opsOf()).length, before, 'no mail policy change, no operation');
    // Sent while the account is suspended: the mailbox's own state stays active (the agent suspends
    // an account's mailboxes itself; 'suspended' would outlive the account's unsuspension).
    const accountId = base.split('/').pop()!;
    await h.knex('hosting_accounts').where({ id: accountId }).update({ desired_state: 'suspended' });
    await h.api(w.t.token, 'PATCH', plan, { suspensionPolicy: { mailReceive: true } }, 200);
    await h.knex('hosting_accounts').where({ id: accountId }).update({ desired_state: 'active' });
    const bounce = (await opsOf()).slice(before) as Array<{ id: string; desired: { resource: { suspendPolicy: string; state: string } } }>;
    assert.deepEqual(bounce.map((o) => [o.desired.resource.suspendPolicy, o.desired.resource.state]), [['bounce', 'active']]);
    await opDone(bounce[0]!.id);
    assert.equal((w.remote.resources.get(box.id) as { suspendPolicy: string }).suspendPolicy, 'bounce');
    await h.api(w.t.token, 'PATCH', plan, { suspensionPolicy: { mailReceive: false } }, 200);
    const keep = (await opsOf()).slice(before + 1);
    assert.deepEqual(keep.map((o) => o.desired.resource.suspendPolicy), ['keep']);
    await opDone(keep[0]!.id);
    assert.equal((w.remote.resources.get(box.id) as { suspendPolicy: string }).suspendPolicy, 'keep');
    // Tenant B cannot touch this tenant's plan (and so none of its mailboxes).
    assert.equal((await h.api(b.token, 'PATCH', plan, { suspensionPolicy: { mailReceive: true } })).status, 404);
    assert.equal((await opsOf()).length, before + 2);
  });
});
