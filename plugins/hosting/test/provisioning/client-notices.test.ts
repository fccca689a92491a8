import assert from 'node:assert/strict';
import { Harness, waitFor, type World } from './harness.ts';

type LogRow = { id: string; template: string; subject: string; clientId: string; status: string; createdAt: string };

/**
 * The client's provisioning notices through the notifications plugin's templates: "ready" when
 * the account is set up, "delayed" (the client-safe message, never the server's error) when the
 * setup stops for a person; in the client's language, once per operation, in the client's mail log.
 */
describe('hosting provisioning: client notices through notifications templates', function () {
  this.timeout(120_000);
  const h = new Harness();
  let w: World;
  before(async () => {
    await h.start({ plugins: ['notifications'] });
    w = await h.world();
  });
  after(() => h.stop());

  const mailLog = async (t: World['t'], clientId: string) => (await h.api(t, 'GET', `/api/v1/mail-log?clientId=${clientId}&perPage=100`, undefined, 200)).body.data as LogRow[];

  it('a finished setup mails "ready" from the template, once, in the client\'s mail log; a German client gets German', async () => {
    const domain = `ready-${process.pid}.test`;
    const o = await h.order(w, domain);
    await h.pay(w, o);
    const account = await waitFor(() => h.account(o.serviceId));
    const done = await h.opWhere(account.id, 'create', 'succeeded');
    const row = await waitFor(async () => (await mailLog(w.t, o.clientId)).find((r) => r.template === 'hosting.service.ready'), 15_000, 'ready mail logged');
    assert.equal(row.subject, `Your hosting ${domain} is ready`);
    assert.ok(!Number.isNaN(Date.parse(row.createdAt)));
    const stored = await h.knex('notification_mail_log').where({ id: row.id }).first();
    assert.equal(stored.idempotency_key, `hosting:provisioning.succeeded:${done.id}`, 'keyed per operation: a redelivered event mails once');
    assert.equal(stored.to_email, (await h.knex('clients').where({ id: o.clientId }).first()).email);

    const de = await h.order(w, `bereit-${process.pid}.test`, { language: 'de' });
    await h.pay(w, de);
    const row2 = await waitFor(async () => (await mailLog(w.t, de.clientId)).find((r) => r.template === 'hosting.service.ready'), 20_000, 'German ready mail');
    assert.equal(row2.subject, `Ihr Hosting bereit-${process.pid}.test ist bereit`);
    // Only this client's own mails: the first client's row is not in the second's log.
    assert.ok(!(await mailLog(w.t, de.clientId)).some((r) => r.id === row.id));
  });

  it('a setup that stops for a person mails "delayed" with the client-safe message, not the server\'s error', async () => {
    const bad = await h.world({ remotePackage: 'platinum-typo' });
    const o = await h.order(bad, `late-${process.pid}.test`);
    await h.pay(bad, o);
    const account = await waitFor(() => h.account(o.serviceId));
    const op = await h.opWhere(account.id, 'create', 'needs_attention');
    assert.ok(op.client_message, 'the operation has a message for the client');
    const row = await waitFor(async () => (await mailLog(bad.t, o.clientId)).find((r) => r.template === 'hosting.provisioning.failed'), 15_000, 'failed mail logged');
    assert.equal(row.subject, `Setting up late-${process.pid}.test is delayed`);
    const stored = await h.knex('notification_mail_log').where({ id: row.id }).first();
    assert.equal(stored.request.data.reason, op.client_message);
    assert.ok(!JSON.stringify(stored.request).includes('platinum'), 'the raw error stays with staff');
    assert.equal((await mailLog(bad.t, o.clientId)).filter((r) => r.template === 'hosting.service.ready').length, 0);
    // The other tenant's log does not show it.
    assert.ok(!(await mailLog(w.t, o.clientId)).length);
  });
});
