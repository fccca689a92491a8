import assert from 'node:assert/strict';
import { createPublicKey, randomUUID } from 'node:crypto';
import { verify } from '@node-rs/argon2';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import { memoryDnsPlugin } from '../../dns/test/support/memory-provider.ts';
import { verifyMailPassword } from '../src/resources/mail-addresses.ts';
import { Harness, waitFor, type World } from './provisioning/harness.ts';

/**
 * Mail hosting on the panel side (issue 18): mail domains, mailboxes and forwarders of a hosting
 * account through the API, what is stored (hashes, sealed keys), what the module receives, the
 * plan's limits, ownership and tenant isolation, and the DNS records in the dns plugin's tables.
 */
describe('hosting: mail domains, mailboxes and forwarders', function () {
  this.timeout(180_000);
  const h = new Harness();
  let w: World;
  let account: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let otherAccount: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let clientToken: string;
  let otherClientToken: string;
  let b: TenantWithAdmin;
  const domain = `mail-${randomUUID().slice(0, 6)}.test`;
  let base: string;
  let md: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let box: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let alias: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const PASSWORD = 'correct horse battery staple';

  const open = (sealed: string, tenantId: string, field: string) => h.server.running.platform.container.cradle.pluginSettings.box.open(sealed, { tenantId, field: `hosting.sealed:${field}` });
  const api = (token: string, method: string, path: string, body?: unknown) => h.api(token, method, path, body);
  const must = async (token: string, method: string, path: string, body?: unknown, status = method === 'POST' ? 201 : 200) => (await h.api(token, method, path, body, status)).body.data;
  const opDone = (id: string) => waitFor(async () => {
    const op = await h.knex('provisioning_operations').where({ id }).first();
    return op?.status === 'succeeded' ? op : null;
  }, 20_000, `operation ${id} succeeded`);
  const count = async (q: { count(c: Record<string, string>): PromiseLike<Array<{ n: string | number }>> }) => Number((await q.count({ n: '*' }))[0]!.n);
  const recordSets = (name: string) => h.knex('dns_record_sets').where({ tenant_id: w.t.tenant.id }).where('name', name).orderBy('type');

  before(async () => {
    await h.start({ plugins: ['dns'], definitions: [memoryDnsPlugin] });
    w = await h.world();
    await h.knex('hosting_plans').where({ id: w.planId }).update({
      limits: JSON.stringify({ diskMb: 1000, sites: 2, databases: 2, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256, mailDomains: 1, mailboxes: 2, mailboxQuotaMb: 3000 }),
    });
    const o = await h.order(w);
    await h.pay(w, o);
    account = await waitFor(() => h.account(o.serviceId), 30_000, 'account').catch(async (err) => {
      throw new Error(`${err.message}: ${JSON.stringify(await h.service(w, o.serviceId))} ${JSON.stringify(await h.knex('event_deliveries').select('subscriber', 'status', 'last_error'))} ${JSON.stringify(await h.knex('workflow_runs').select('name', 'status', 'last_error'))}`);
    });
    await h.opWhere(account.id, 'create', 'succeeded');
    account = (await h.account(o.serviceId))!;
    clientToken = (await createUser(h.server, w.t.token, ['client'], { tenant: w.t.tenant.slug, clientId: o.clientId })).token;
    const other = await h.order(w);
    await h.pay(w, other);
    otherAccount = await waitFor(() => h.account(other.serviceId), 40_000, 'other account').catch(async (err) => {
      throw new Error(`${err.message}: ${JSON.stringify(await h.service(w, other.serviceId))} ${JSON.stringify(await h.knex('hosting_accounts').select('service_id', 'id'))} ${JSON.stringify(other)}`);
    });
    otherClientToken = (await createUser(h.server, w.t.token, ['client'], { tenant: w.t.tenant.slug, clientId: other.clientId })).token;
    b = await createTenantWithAdmin(h.server);
    base = `/api/v1/hosting-accounts/${account.id}`;
    // The tenant hosts the mail domain's zone in the dns plugin.
    await must(w.t.token, 'POST', '/api/v1/dns/zones', { name: domain });
  });
  after(() => h.stop());

  it('creates a mail domain with a sealed DKIM key, hands the module the opened key, and publishes MX, SPF, DKIM and DMARC', async () => {
    md = await must(clientToken, 'POST', `${base}/mail-domains`, { domain: domain.toUpperCase() });
    assert.equal(md.domain, domain);
    assert.equal('dkimPrivateSealed' in md, false, 'the sealed key never leaves');
    assert.match(md.dkimSelector, /^mp\d{6}$/);
    const row = await h.knex('mail_domains').where({ id: md.id }).first();
    const pem = open(row.dkim_private_sealed, w.t.tenant.id, `mail-dkim:${md.id}`);
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----/);
    const pub = createPublicKey(pem);
    assert.equal(pub.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal((pub.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64'), row.dkim_public_key, 'the published key pairs with the sealed one');
    const dump = JSON.stringify(await h.knex.raw(`select t::text from mail_domains t union all select t::text from provisioning_operations t`));
    assert.equal(dump.includes('PRIVATE KEY'), false, 'the private key is nowhere in clear');

    const op = await opDone(md.operation.id);
    assert.equal(op.subject_type, 'mailDomain');
    const sent = w.remote.resources.get(md.id) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual({ ...sent, dkim: { ...sent.dkim, privateKeyPem: sent.dkim.privateKeyPem === pem } }, {
      kind: 'mailDomain', id: md.id, domain, dkim: { selector: md.dkimSelector, privateKeyPem: true }, state: 'active', username: account.username,
    });
    assert.equal((await h.knex('mail_domains').where({ id: md.id }).first()).state, 'active');

    const host = (await h.knex('servers').where({ id: w.serverId }).first()).hostname;
    const apex = await recordSets(domain);
    assert.deepEqual(apex.map((r: { type: string; values: string[] }) => [r.type, r.values]), [['MX', [`10 ${host}.`]], ['TXT', ['"v=spf1 mx a ~all"']]]);
    const dkim = await recordSets(`${md.dkimSelector}._domainkey.${domain}`);
    assert.equal(dkim.length, 1);
    assert.equal(dkim[0].values[0].replace(/" "/g, '').replace(/"/g, ''), `v=DKIM1; k=rsa; p=${row.dkim_public_key}`);
    assert.deepEqual((await recordSets(`_dmarc.${domain}`)).map((r: { values: string[] }) => r.values), [['"v=DMARC1; p=none"']]);

    const settings = await must(clientToken, 'GET', `${base}/mail-domains/${md.id}/client-settings`);
    assert.deepEqual([settings.imap, settings.smtp.port, settings.smtp.security], [{ host, port: 993, security: 'SSL/TLS' }, 587, 'STARTTLS']);
  });

  it('refuses bad domains (400), a second domain over the plan (409) and a domain already receiving mail (409)', async () => {
    for (const bad of ['no_tld', 'a..b.test', '-x.test']) {
      const res = await api(clientToken, 'POST', `${base}/mail-domains`, { domain: bad });
      assert.deepEqual([res.status, Object.keys(res.body.details ?? {})], [400, ['domain']], bad);
    }
    const over = await api(clientToken, 'POST', `${base}/mail-domains`, { domain: 'second.test' });
    assert.deepEqual([over.status, over.body.details], [409, { mailDomains: 'limit 1 reached' }]);
    const taken = await api(w.t.token, 'POST', `/api/v1/hosting-accounts/${otherAccount.id}/mail-domains`, { domain });
    assert.equal(taken.status, 409);
    assert.equal(await count(h.knex('mail_domains').whereRaw('lower(domain) = ?', [domain])), 1);
  });

  it('stores a mailbox password only as a Dovecot {ARGON2ID} hash, never returns it, and sends the hash to the module', async () => {
    box = await must(clientToken, 'POST', `${base}/mailboxes`, { mailDomainId: md.id, localPart: 'Info', password: PASSWORD, quotaMb: 1000 });
    assert.deepEqual([box.localPart, box.quotaMb, box.hasPassword, 'passwordHash' in box, 'password' in box], ['info', 1000, true, false, false]);
    const row = await h.knex('mailboxes').where({ id: box.id }).first();
    assert.match(row.password_hash, /^\{ARGON2ID\}\$argon2id\$v=19\$m=65536,t=3,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.equal(await verify(row.password_hash.slice('{ARGON2ID}'.length), PASSWORD), true);
    assert.equal(await verifyMailPassword(row.password_hash, 'wrong password!!'), false);
    const dump = JSON.stringify(await h.knex.raw(`select t::text from mailboxes t union all select t::text from provisioning_operations t union all select t::text from audit_log t`).catch(() => h.knex.raw(`select t::text from mailboxes t union all select t::text from provisioning_operations t`)));
    assert.equal(dump.includes(PASSWORD), false, 'the password is nowhere in clear');
    const got = await must(clientToken, 'GET', `${base}/mailboxes/${box.id}`);
    assert.equal('passwordHash' in got, false);
    await opDone(box.operation.id);
    assert.deepEqual(w.remote.resources.get(box.id), {
      kind: 'mailbox', id: box.id, domain, localPart: 'info', passwordHash: row.password_hash, quotaMb: 1000, sendLimitPerHour: null,
      autoresponder: null, suspendPolicy: 'keep', state: 'active', username: account.username,
    });

    const changed = await must(clientToken, 'POST', `${base}/mailboxes/${box.id}/change-password`, { password: 'a brand new passphrase' }, 200);
    assert.deepEqual(Object.keys(changed).sort(), ['id', 'operation', 'passwordChanged']);
    const after = await h.knex('mailboxes').where({ id: box.id }).first();
    assert.equal(await verifyMailPassword(after.password_hash, 'a brand new passphrase'), true);
    assert.equal(await verifyMailPassword(after.password_hash, PASSWORD), false);
    await opDone(changed.operation.id);
    assert.equal((w.remote.resources.get(box.id) as { passwordHash: string }).passwordHash, after.password_hash);
    assert.equal((await api(clientToken, 'POST', `${base}/mailboxes/${box.id}/change-password`, { password: 'short' })).status, 400);
  });

  it('validates mailboxes and holds them to the plan: count, total quota, unique address', async () => {
    const post = (body: Record<string, unknown>) => api(clientToken, 'POST', `${base}/mailboxes`, { mailDomainId: md.id, password: PASSWORD, ...body });
    for (const [body, field] of [[{ localPart: 'a b' }, 'localPart'], [{ localPart: '.dot' }, 'localPart'], [{ localPart: 'x..y' }, 'localPart'], [{ localPart: 'ok', quotaMb: 0 }, 'quotaMb'], [{ localPart: 'ok', quotaMb: 1e12 }, 'quotaMb'], [{ localPart: 'ok', password: 'short' }, 'password']] as const) {
      const res = await post(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(Object.keys(res.body.details ?? {}).some((k) => k.startsWith(field)), JSON.stringify(res.body));
    }
    assert.equal((await post({ localPart: 'INFO' })).status, 409, 'the address exists');
    const quota = await post({ localPart: 'big', quotaMb: 2500 });
    assert.equal(quota.status, 409);
    assert.deepEqual(Object.keys(quota.body.details), ['mailboxQuotaMb']);
    const both = await Promise.all(['one', 'two'].map((localPart) => post({ localPart, quotaMb: 500 })));
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409], 'the plan\'s last mailbox goes to one request');
    const over = await post({ localPart: 'three', quotaMb: 10 });
    assert.deepEqual([over.status, over.body.details], [409, { mailboxes: 'limit 2 reached' }]);
    assert.equal(await count(h.knex('mailboxes').where({ account_id: account.id })), 2);
    // Raising a quota counts the others' quota, not its own.
    assert.equal((await api(clientToken, 'PATCH', `${base}/mailboxes/${box.id}`, { quotaMb: 2500 })).status, 200);
    assert.equal((await api(clientToken, 'PATCH', `${base}/mailboxes/${box.id}`, { quotaMb: 2501 })).status, 409);
  });

  it('sets an autoresponder with a date range and a send limit; refuses a range that ends before it starts', async () => {
    const bad = await api(clientToken, 'PATCH', `${base}/mailboxes/${box.id}`, { autoresponder: { subject: 'Away', body: 'Back soon', from: '2030-01-10T00:00:00Z', until: '2030-01-01T00:00:00Z' } });
    assert.equal(bad.status, 400);
    const twoLines = await api(clientToken, 'PATCH', `${base}/mailboxes/${box.id}`, { autoresponder: { subject: 'Away\nBcc: x@y.test', body: 'x' } });
    assert.equal(twoLines.status, 400);
    const ok = await must(clientToken, 'PATCH', `${base}/mailboxes/${box.id}`, { sendLimitPerHour: 100, autoresponder: { subject: 'Away', body: 'Back soon', from: '2030-01-01T00:00:00Z', until: '2030-01-10T00:00:00Z' } });
    const op = await opDone(ok.operation.id);
    assert.deepEqual(op.desired.resource.autoresponder, { subject: 'Away', body: 'Back soon', from: '2030-01-01T00:00:00.000Z', until: '2030-01-10T00:00:00.000Z' });
    assert.equal(op.desired.resource.sendLimitPerHour, 100);
    assert.equal((w.remote.resources.get(box.id) as { sendLimitPerHour: number }).sendLimitPerHour, 100);
  });

  it('staff see the sending counters the server reports per mailbox; clients do not', async () => {
    (w.remote.resources.get(box.id) as unknown as { detail: Record<string, unknown> }).detail = { sentThisHour: 42, usageMb: 12, note: 'from the agent' };
    const seen = await must(w.t.token, 'GET', `${base}/mail-sending`);
    assert.equal(seen.note, null);
    const mine = seen.mailboxes.find((m: { mailboxId: string }) => m.mailboxId === box.id);
    assert.deepEqual(mine, {
      mailboxId: box.id, address: `info@${domain}`, quotaMb: 2500, sendLimitPerHour: 100, observed: true,
      sentThisHour: 42, sentToday: null, rejectedThisHour: null, usageMb: 12, messages: null, detail: { sentThisHour: 42, usageMb: 12, note: 'from the agent' },
    });
    assert.equal(seen.mailboxes.length, 2);
    assert.ok(seen.mailboxes.every((m: { observed: boolean }) => m.observed));
    assert.equal((await api(clientToken, 'GET', `${base}/mail-sending`)).status, 403);
    assert.equal((await api(b.token, 'GET', `${base}/mail-sending`)).status, 404);
  });

  it('a suspended account\'s mailbox is sent suspended, with the plan\'s policy for incoming mail (keep or bounce)', async () => {
    await h.knex('hosting_accounts').where({ id: account.id }).update({ desired_state: 'suspended' });
    await h.knex('hosting_plans').where({ id: w.planId }).update({ suspension_policy: JSON.stringify({ mailReceive: true }) });
    try {
      const changed = await must(w.t.token, 'PATCH', `${base}/mailboxes/${box.id}`, { sendLimitPerHour: 50 });
      const op = await opDone(changed.operation.id);
      assert.deepEqual([op.desired.resource.state, op.desired.resource.suspendPolicy], ['suspended', 'bounce']);
      assert.equal((await h.knex('mailboxes').where({ id: box.id }).first()).state, 'suspended');
    } finally {
      await h.knex('hosting_accounts').where({ id: account.id }).update({ desired_state: 'active' });
      await h.knex('hosting_plans').where({ id: w.planId }).update({ suspension_policy: JSON.stringify({}) });
    }
    const back = await must(w.t.token, 'PATCH', `${base}/mailboxes/${box.id}`, { sendLimitPerHour: 100 });
    const op = await opDone(back.operation.id);
    assert.deepEqual([op.desired.resource.state, op.desired.resource.suspendPolicy], ['active', 'keep']);
  });

  it('forwards to mailboxes and outside addresses, validated; sets a catch-all', async () => {
    const post = (body: Record<string, unknown>) => api(clientToken, 'POST', `${base}/mail-aliases`, { mailDomainId: md.id, ...body });
    for (const [targets, problem] of [[['not-an-address'], 'targets[0]'], [['a@b'], 'targets[0]'], [['ok@fine.test', 'x y@z.test'], 'targets[1]'], [['a@bad_domain.test'], 'targets[0]'], [[`sales@${domain}`], 'targets[0]'], [['a@b.test\nbcc@evil.test'], 'targets[0]']] as const) {
      const res = await post({ localPart: 'sales', targets });
      assert.deepEqual([res.status, Object.keys(res.body.details ?? {})], [400, [problem]], JSON.stringify(targets));
    }
    assert.equal((await post({ localPart: 'sales', targets: [] })).status, 400);
    assert.equal((await post({ localPart: 'info', targets: ['x@y.test'] })).status, 409, 'a mailbox has the address');
    alias = await must(clientToken, 'POST', `${base}/mail-aliases`, { mailDomainId: md.id, localPart: 'Sales', targets: [`INFO@${domain.toUpperCase()}`, 'Boss@Outside.Example'] });
    assert.deepEqual([alias.localPart, alias.targets], ['sales', [`info@${domain}`, 'boss@outside.example']]);
    await opDone(alias.operation.id);
    assert.deepEqual(w.remote.resources.get(alias.id), { kind: 'mailAlias', id: alias.id, domain, localPart: 'sales', targets: [`info@${domain}`, 'boss@outside.example'], state: 'active', username: account.username });
    assert.equal((await api(clientToken, 'POST', `${base}/mailboxes`, { mailDomainId: md.id, localPart: 'sales', password: PASSWORD, quotaMb: 1 })).status, 409, 'a forwarder has the address');

    assert.equal((await api(clientToken, 'PATCH', `${base}/mail-domains/${md.id}`, { catchAll: 'nobody' })).status, 400);
    const withCatchAll = await must(clientToken, 'PATCH', `${base}/mail-domains/${md.id}`, { catchAll: `Info@${domain}` });
    assert.equal(withCatchAll.catchAll, `info@${domain}`);
    await opDone(withCatchAll.operation.id);
    assert.equal((w.remote.resources.get(md.id) as { catchAll: string }).catchAll, `info@${domain}`);
  });

  it('another client gets 404 on this account\'s mail; tenant B gets 404 on every real id', async () => {
    const paths = [
      `${base}/mail-domains`, `${base}/mail-domains/${md.id}`, `${base}/mail-domains/${md.id}/dns-check`, `${base}/mail-domains/${md.id}/client-settings`,
      `${base}/mailboxes`, `${base}/mailboxes/${box.id}`, `${base}/mail-aliases`, `${base}/mail-aliases/${alias.id}`,
    ];
    for (const token of [otherClientToken, b.token]) {
      for (const path of paths) assert.equal((await api(token, 'GET', path)).status, 404, path);
      assert.equal((await api(token, 'POST', `${base}/mailboxes/${box.id}/change-password`, { password: 'stolen password!' })).status, 404);
      assert.equal((await api(token, 'PATCH', `${base}/mailboxes/${box.id}`, { quotaMb: 1 })).status, 404);
      assert.equal((await api(token, 'DELETE', `${base}/mail-aliases/${alias.id}`)).status, 404);
      assert.equal((await api(token, 'POST', `${base}/mailboxes`, { mailDomainId: md.id, localPart: 'steal', password: PASSWORD })).status, 404);
    }
    // A client's own account cannot take another account's mail domain.
    const otherBase = `/api/v1/hosting-accounts/${otherAccount.id}`;
    assert.equal((await api(otherClientToken, 'POST', `${otherBase}/mailboxes`, { mailDomainId: md.id, localPart: 'steal', password: PASSWORD })).status, 404);
    assert.equal((await api(otherClientToken, 'POST', `${otherBase}/mail-aliases`, { mailDomainId: md.id, localPart: 'steal', targets: ['x@y.test'] })).status, 404);
    const row = await h.knex('mailboxes').where({ id: box.id }).first();
    assert.equal(await verifyMailPassword(row.password_hash, 'stolen password!'), false);
    assert.equal(await count(h.knex('mailboxes').whereRaw("local_part = 'steal'")), 0);
    assert.equal((await h.knex('mail_aliases').where({ id: alias.id }).first()).state, 'active');
  });

  it('removing the mail domain removes its mailboxes, forwarders and DNS records', async () => {
    const removed = await must(clientToken, 'DELETE', `${base}/mail-domains/${md.id}`);
    assert.equal(removed.state, 'removing');
    assert.deepEqual((await h.knex('mailboxes').where({ mail_domain_id: md.id })).map((r: { state: string }) => r.state), ['removed', 'removed']);
    assert.deepEqual((await h.knex('mail_aliases').where({ mail_domain_id: md.id })).map((r: { state: string }) => r.state), ['removed']);
    assert.deepEqual(await recordSets(domain), []);
    assert.deepEqual(await recordSets(`_dmarc.${domain}`), []);
    assert.deepEqual(await recordSets(`${md.dkimSelector}._domainkey.${domain}`), []);
    await opDone(removed.operation.id);
    assert.equal(w.remote.resources.has(md.id), false);
    assert.equal((await h.knex('mail_domains').where({ id: md.id }).first()).state, 'removed');
    // The slot is free again.
    await must(clientToken, 'POST', `${base}/mail-domains`, { domain: `again-${domain}` });
  });
});
