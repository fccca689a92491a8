import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../../core/src/testing/auth.ts';
import { waitFor } from '../provisioning/harness.ts';
import type { ImportPanel } from './panels.ts';

/**
 * Import of the accounts a panel server already has (a panel fake over HTTP, through its real
 * provisioning module's `listAccounts`): 500 accounts become clients, services and hosting accounts
 * with no mail and no provisioning; a second import changes nothing; another tenant cannot touch
 * it; a role without `hosting-imports.run` is refused. One body, run for each fake.
 */
export function importSuite(makePanel: () => ImportPanel): void {
 const fake = makePanel();
 describe(`hosting import of existing accounts (${fake.label} fake, 500 accounts)`, function () {
  this.timeout(300_000);
  let server: TestServer;
  let dir: string;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let serverId: string;
  let productId: string;
  const matchedEmails: string[] = [];
  /** Known clients by e-mail; tenant B's client (never A's to choose). */
  const known = new Map<string, string>();
  let otherTenantsClient = '';
  const nextDueDate = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);

  const api = async (t: TenantWithAdmin, method: string, path: string, body?: unknown) => server.request(method, path, { token: t.token, ...(body === undefined ? {} : { body }) });
  const count = async (table: string, where: Record<string, unknown>) => Number(((await server.knex(table).where(where).count({ n: '*' })) as Array<{ n: string }>)[0]!.n);
  /** Everything an import must not cause: mails, orders, invoices, provisioning operations, activation events. */
  const sideEffects = async (tenantId: string) => ({
    operations: await count('provisioning_operations', { tenant_id: tenantId }),
    invoices: await count('invoices', { tenant_id: tenantId }),
    orders: await count('orders', { tenant_id: tenantId }),
    mailEvents: Number(((await server.knex('outbox_events').where({ tenant_id: tenantId }).whereIn('name', ['client.created', 'service.activated', 'order.created', 'invoice.created']).count({ n: '*' })) as Array<{ n: string }>)[0]!.n),
    mailJobs: Number(((await server.knex('outbox_events').where({ tenant_id: tenantId }).where('name', 'like', 'mail.%').count({ n: '*' })) as Array<{ n: string }>)[0]!.n),
  });
  /** Polls the import gently (the job shares the test database with these reads). */
  const finished = async (t: TenantWithAdmin, id: string) => {
    for (const end = Date.now() + 240_000; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
      const res = await api(t, 'GET', `/api/v1/servers/${serverId}/imports/${id}`).catch(() => undefined);
      if (['succeeded', 'failed'].includes(res?.body.data?.status)) return res!.body.data;
    }
    throw new Error(`import ${id} did not finish`);
  };

  before(async () => {
    await fake.start();
    // 500 accounts: 40 whose e-mail is a client's already, 1 suspended, the rest new; plus 3 with names mPanel cannot take.
    fake.addPackage('gold');
    for (let i = 1; i <= 500; i++) {
      const name = `imp${String(i).padStart(4, '0')}`;
      const email = i <= 40 ? `known${i}@clients.example` : `${name}@owners.example`;
      if (i <= 40) matchedEmails.push(email);
      fake.seed(name, { email, domain: `${name}.example.org`, package: i % 2 ? 'gold' : 'default', suspended: i === 77 });
    }
    for (const odd of ['Bad_User', 'web-2', 'a.b.c']) fake.seed(odd, { email: `${odd.replace(/\W/g, '')}@odd.example` });

    dir = mkdtempSync(join(tmpdir(), 'mpanel-hosting-import-'));
    for (const name of ['billing', 'hosting', fake.plugin]) symlinkSync(fileURLToPath(new URL(`../../../${name}`, import.meta.url)), join(dir, name));
    server = await startTestServer({ env: { MPANEL_ALLOW_PRIVATE_TARGETS: 'true' }, plugins: { directories: [dir] } });
    a = await createTenantWithAdmin(server);
    b = await createTenantWithAdmin(server);
    const created = await api(a, 'POST', '/api/v1/servers', {
      name: `${fake.module}1`, hostname: `${fake.module}-${randomUUID().slice(0, 6)}.test`, module: fake.module, address: '127.0.0.1', port: fake.port(), status: 'online',
      credentials: fake.credentials(),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    serverId = created.body.data.id;
    const [plan] = await server.knex('hosting_plans').insert({
      tenant_id: a.tenant.id, name: 'imported', limits: JSON.stringify({ diskMb: 1000, sites: 5, databases: 5, phpVersions: ['8.2'], phpMaxChildren: 2, memoryMb: 256 }), remote_package: 'default',
    }).returning('id');
    const product = await api(a, 'POST', '/api/v1/products', { name: `${fake.label} hosting`, type: 'hosting', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 900 }], provisioning: { module: 'hosting', config: { planId: plan.id } } });
    assert.equal(product.status, 201, JSON.stringify(product.body));
    productId = product.body.data.id;
    for (const email of matchedEmails) {
      const res = await api(a, 'POST', '/api/v1/clients', { email, firstName: 'Known', lastName: 'Client', country: 'DE' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      known.set(email, res.body.data.id);
    }
    const theirs = await api(b, 'POST', '/api/v1/clients', { email: 'theirs@b.example', firstName: 'Other', lastName: 'Tenant', country: 'DE' });
    assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
    otherTenantsClient = theirs.body.data.id;
  });
  after(async () => {
    await server?.close();
    await fake.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tests the connection and lists the packages through the module', async () => {
    const test = await api(a, 'POST', `/api/v1/servers/${serverId}/test-connection`);
    assert.equal(test.status, 200, JSON.stringify(test.body));
    assert.deepEqual([test.body.data.ok, test.body.data.version], [true, fake.version]);
    const pkgs = await api(a, 'GET', `/api/v1/servers/${serverId}/packages`);
    assert.equal(pkgs.body.data.supported, true);
    assert.deepEqual(pkgs.body.data.packages.map((p: { id: string }) => p.id).sort(), ['default', 'gold']);
  });

  it('tenant B cannot preview, import, read or test tenant A\'s server: 404, nothing written', async () => {
    for (const [method, path, body] of [
      ['POST', `/api/v1/servers/${serverId}/imports/preview`, {}], ['POST', `/api/v1/servers/${serverId}/imports`, { productId, nextDueDate, country: 'DE' }],
      ['GET', `/api/v1/servers/${serverId}/imports`, undefined], ['POST', `/api/v1/servers/${serverId}/test-connection`, undefined], ['GET', `/api/v1/servers/${serverId}/packages`, undefined],
    ] as const) {
      const res = await api(b, method, path, body);
      assert.equal(res.status, 404, `${method} ${path}: ${JSON.stringify(res.body)}`);
    }
    assert.equal(await count('hosting_imports', {}), 0);
    assert.equal(fake.requests() > 0, true);
  });

  it('importing needs hosting-imports.run: a manager (servers.read only) and a role without it get 403; a custom role with it may preview', async () => {
    const manager = await createUser(server, a.token, ['manager'], { tenant: a.tenant.slug });
    const withoutIt = await api(a, 'POST', '/api/v1/roles', { name: 'servers-no-import', level: 2, permissions: ['servers.read', 'servers.write'] });
    assert.equal(withoutIt.status, 201, JSON.stringify(withoutIt.body));
    const serverAdmin = await createUser(server, a.token, ['servers-no-import'], { tenant: a.tenant.slug });
    const asUser = (token: string, method: string, path: string, body?: unknown) => server.request(method, path, { token, ...(body === undefined ? {} : { body }) });
    for (const who of [manager, serverAdmin]) {
      const preview = await asUser(who.token, 'POST', `/api/v1/servers/${serverId}/imports/preview`, {});
      assert.equal(preview.status, 403, JSON.stringify(preview.body));
      const run = await asUser(who.token, 'POST', `/api/v1/servers/${serverId}/imports`, { productId, nextDueDate, country: 'DE' });
      assert.equal(run.status, 403, JSON.stringify(run.body));
      // Reading the server's imports stays with servers.read.
      assert.equal((await asUser(who.token, 'GET', `/api/v1/servers/${serverId}/imports`)).status, 200);
    }
    assert.equal(await count('hosting_imports', {}), 0, 'a refused import queues nothing');
    const importer = await api(a, 'POST', '/api/v1/roles', { name: 'importer', level: 2, permissions: ['hosting-imports.run'] });
    assert.equal(importer.status, 201, JSON.stringify(importer.body));
    const imp = await createUser(server, a.token, ['importer'], { tenant: a.tenant.slug });
    const preview = await asUser(imp.token, 'POST', `/api/v1/servers/${serverId}/imports/preview`, {});
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.equal(preview.body.data.summary.total, 503);
    const perms = await api(a, 'GET', '/api/v1/permissions');
    const def = perms.body.data.find((p: { name: string }) => p.name === 'hosting-imports.run');
    assert.deepEqual(def.defaultRoles, ['super_admin', 'admin']);
  });

  it('refuses bad input with a 400 and queues nothing', async () => {
    const bad = [
      { productId, nextDueDate: '2026-02-30', country: 'DE' },
      { productId, nextDueDate: '2999-01-01', country: 'DE' },
      { productId, nextDueDate },
      { productId: randomUUID(), nextDueDate, country: 'DE' },
      { productId, nextDueDate, country: 'DE', cycle: 'annually' },
      { productId, nextDueDate, country: 'DE', mappings: [{ username: 'imp0001', clientId: 'not-a-uuid' }] },
      { productId, nextDueDate, country: 'DE', extra: true },
      { productId, nextDueDate, createMissingClients: false, mappings: [{ username: 'imp0001', newClient: true }] },
    ];
    for (const body of bad) {
      const res = await api(a, 'POST', `/api/v1/servers/${serverId}/imports`, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, 'Validation failed');
    }
    assert.equal(await count('hosting_imports', {}), 0);
  });

  it('previews the mapping: 40 matched by e-mail, 460 new clients, 3 names mPanel cannot take', async () => {
    const res = await api(a, 'POST', `/api/v1/servers/${serverId}/imports/preview`, { mappings: [{ username: 'imp0500', skip: true }] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.data.summary, { total: 503, match: 40, create: 459, skip: 4, none: 0 });
    const first = res.body.data.accounts.find((x: { username: string }) => x.username === 'imp0001');
    assert.deepEqual([first.proposal.action, first.proposal.by, first.domain, first.email], ['match', 'email', 'imp0001.example.org', 'known1@clients.example']);
    // Staff's choice per account: an existing client, a new client, never another tenant's client.
    const mapped = await api(a, 'POST', `/api/v1/servers/${serverId}/imports/preview`, {
      mappings: [{ username: 'imp0003', clientId: known.get('known40@clients.example') }, { username: 'imp0005', newClient: true }, { username: 'imp0100', clientId: otherTenantsClient }],
    });
    assert.equal(mapped.status, 200, JSON.stringify(mapped.body));
    const row = (name: string) => mapped.body.data.accounts.find((x: { username: string }) => x.username === name).proposal;
    assert.deepEqual(row('imp0003'), { username: 'imp0003', action: 'match', clientId: known.get('known40@clients.example'), by: 'staff' });
    assert.deepEqual(row('imp0005'), { username: 'imp0005', action: 'create', email: 'known5@clients.example' });
    assert.deepEqual(row('imp0100'), { username: 'imp0100', action: 'skip', reason: 'the chosen client is not a client of this tenant' });
    const badMapping = await api(a, 'POST', `/api/v1/servers/${serverId}/imports/preview`, { mappings: [{ username: 'imp0003', newClient: 'yes' }] });
    assert.equal(badMapping.status, 400, JSON.stringify(badMapping.body));
    assert.equal(await count('services', { tenant_id: a.tenant.id }), 0, 'a preview writes nothing');
  });

  it('imports 500 accounts with progress over realtime: no mail, no order, no provisioning; the report counts', async () => {
    const before = await sideEffects(a.tenant.id);
    const fakeMutations = () => fake.mutations();
    const mutationsBefore = fakeMutations();
    const socket = connect(server.url, { auth: { token: a.token }, transports: ['websocket'], reconnection: false });
    const progress: Array<{ id: string; progress: { processed: number; total: number }; status: string }> = [];
    socket.on('hosting:import.progress', (p: (typeof progress)[number]) => progress.push(p));
    await new Promise<void>((resolve, reject) => socket.on('connect', resolve).on('connect_error', reject));
    try {
      // imp0003 (known3's e-mail) goes to the client staff chose instead.
      const started = await api(a, 'POST', `/api/v1/servers/${serverId}/imports`, { productId, nextDueDate, country: 'de', mappings: [{ username: 'imp0003', clientId: known.get('known40@clients.example') }] });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      assert.equal(started.body.data.status, 'queued');
      const again = await api(a, 'POST', `/api/v1/servers/${serverId}/imports`, { productId, nextDueDate, country: 'DE' });
      assert.equal(again.status, 409, 'one import per server at a time');
      const done = await finished(a, started.body.data.id);
      assert.equal(done.status, 'succeeded', done.error);
      assert.deepEqual(done.counts, { imported: 500, matched: 40, created: 460, skipped: 3 });
      assert.deepEqual(done.progress, { total: 503, processed: 503 });
      assert.deepEqual(done.report.filter((r: { outcome: string }) => r.outcome === 'skipped').map((r: { username: string }) => r.username).sort(), ['Bad_User', 'a.b.c', 'web-2']);
      assert.equal(done.report.find((r: { username: string }) => r.username === 'imp0003').matchedBy, 'staff');
      await waitFor(async () => progress.some((p) => p.status === 'succeeded'), 10_000, 'the last progress event');
      const steps = progress.filter((p) => p.id === started.body.data.id).map((p) => p.progress.processed);
      assert.ok(steps.length >= 5 && steps.includes(503), `progress moved in steps: ${steps.join(',')}`);
    } finally {
      socket.disconnect();
    }

    assert.equal(await count('hosting_accounts', { server_id: serverId }), 500);
    assert.equal(await count('services', { tenant_id: a.tenant.id }), 500);
    assert.equal(await count('clients', { tenant_id: a.tenant.id }), 500, '40 known + 460 created');
    const suspended = await server.knex('hosting_accounts').where({ server_id: serverId, username: 'imp0077' }).first();
    assert.deepEqual([suspended.desired_state, suspended.observed_state], ['suspended', 'suspended']);
    const service = await server.knex('services').where({ id: suspended.service_id }).first();
    assert.equal(service.status, 'suspended');
    assert.equal(Number(service.amount), 900);
    assert.equal(new Date(service.next_due_date).toISOString().slice(0, 10) <= nextDueDate, true);
    const matched = await server.knex('hosting_accounts').join('clients', 'clients.id', 'hosting_accounts.client_id').where({ 'hosting_accounts.username': 'imp0001' }).first('clients.email');
    assert.equal(matched.email, 'known1@clients.example');
    const chosen = await server.knex('hosting_accounts').where({ server_id: serverId, username: 'imp0003' }).first('client_id');
    assert.equal(chosen.client_id, known.get('known40@clients.example'), "staff's mapping wins over the e-mail match");
    assert.deepEqual(await sideEffects(a.tenant.id), before, 'no mail, order, invoice, operation or activation');
    assert.equal(await count('outbox_events', { tenant_id: a.tenant.id, name: 'client.imported' }), 460);
    assert.equal(fakeMutations(), mutationsBefore, 'nothing was run on the server');
  });

  it('a second import changes nothing (keyed on server + username); reconcile then lists only the accounts left out', async () => {
    const before = { accounts: await count('hosting_accounts', { server_id: serverId }), services: await count('services', { tenant_id: a.tenant.id }), clients: await count('clients', { tenant_id: a.tenant.id }) };
    const started = await api(a, 'POST', `/api/v1/servers/${serverId}/imports`, { productId, nextDueDate, country: 'DE' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const done = await finished(a, started.body.data.id);
    assert.deepEqual(done.counts, { imported: 0, matched: 0, created: 0, skipped: 503 });
    assert.ok(done.report.filter((r: { reason?: string }) => r.reason === 'already in mPanel').length === 500);
    assert.deepEqual({ accounts: await count('hosting_accounts', { server_id: serverId }), services: await count('services', { tenant_id: a.tenant.id }), clients: await count('clients', { tenant_id: a.tenant.id }) }, before);

    // The server loses one account and gains one: reconcile reports both directions.
    fake.remove('imp0002');
    fake.seed('newcomer', { email: 'new@owners.example' });
    const rec = await api(a, 'POST', `/api/v1/servers/${serverId}/reconcile`);
    assert.equal(rec.status, 200, JSON.stringify(rec.body));
    assert.deepEqual(rec.body.data.importable.map((r: { username: string }) => r.username).sort(), ['Bad_User', 'a.b.c', 'newcomer', 'web-2']);
    assert.deepEqual(rec.body.data.missing, ['imp0002']);
    assert.equal(await count('provisioning_operations', { tenant_id: a.tenant.id, action: 'terminate' }), 0, 'a vanished account is reported, not acted on');
  });

  it('an import whose worker died stops blocking after 15 minutes; `usernames` limits a run to those accounts', async () => {
    const [stale] = await server.knex('hosting_imports').insert({ tenant_id: a.tenant.id, server_id: serverId, status: 'running', updated_at: new Date(Date.now() - 16 * 60_000) }).returning('id');
    const started = await api(a, 'POST', `/api/v1/servers/${serverId}/imports`, { productId, nextDueDate, country: 'DE', usernames: ['newcomer'] });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const done = await finished(a, started.body.data.id);
    assert.deepEqual(done.counts, { imported: 1, matched: 0, created: 1, skipped: 0 });
    assert.equal((await server.knex('hosting_imports').where({ id: stale.id }).first()).status, 'failed');
    assert.equal(await count('hosting_accounts', { server_id: serverId }), 501);
  });
});
}
