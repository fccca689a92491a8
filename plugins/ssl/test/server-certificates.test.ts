import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { HostingSitesService, PluginContext } from '@mpanel/sdk';
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, createUser, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';

import { must, seedGroup, seedService } from '../../hosting/test/support/seed.ts';
import { sweepTenant } from '../src/certificates.ts';
import type { SslSettings } from '../src/settings.ts';

/**
 * Server certificates (issue 18 item 4) on embedded PostgreSQL (billing + hosting + ssl, no DNS
 * plugin): the request's refusals, the `hosting.sites` server lookups behind them, and the sweep
 * re-installing a server certificate whose install failed (and not a plain dns-01 certificate).
 */
describe('ssl server certificates (mail host names)', function () {
  this.timeout(300_000);
  let server: TestServer;
  let dir: string;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let serverA: { id: string; hostname: string };
  const service = () => (server.running.platform.container.cradle.pluginServices.get('hosting.sites') as { impl: HostingSitesService }).impl;
  const count = async () => Number((await server.knex('certificates').count<{ count: string }[]>('* as count'))[0]!.count);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpanel-ssl-server-'));
    for (const name of ['billing', 'hosting', 'ssl']) symlinkSync(fileURLToPath(new URL(`../../${name}`, import.meta.url)), join(dir, name));
    server = await startTestServer({ plugins: { directories: [dir] } });
    a = await createTenantWithAdmin(server, { slug: 'ssl-srv-a' });
    b = await createTenantWithAdmin(server, { slug: 'ssl-srv-b' });
    const { servers } = await seedGroup(server, a.token, 'least_full', [{ hostname: 'MX1.Mail-A.test' }]);
    serverA = servers[0];
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hosting.sites finds the tenant\'s server by id and by its mail host name (lower case); another tenant\'s is null', async () => {
    const own = await server.knex.transaction((trx) => service().forTenant(trx, a.tenant.id).server(serverA.id));
    assert.deepEqual([own?.id, own?.mailHost], [serverA.id, 'mx1.mail-a.test']);
    const byHost = await server.knex.transaction((trx) => service().forTenant(trx, a.tenant.id).serverByHost('mx1.MAIL-A.test'));
    assert.equal(byHost?.id, serverA.id);
    assert.equal(await server.knex.transaction((trx) => service().forTenant(trx, b.tenant.id).server(serverA.id)), null);
    assert.equal(await server.knex.transaction((trx) => service().forTenant(trx, b.tenant.id).serverByHost('mx1.mail-a.test')), null);
    await assert.rejects(service().installServerCertificate(b.tenant.id, serverA.id, { names: ['mx1.mail-a.test'], certPem: 'x', keyPem: 'y' }), /Server not found/);
  });

  it('refuses before anything is stored: another tenant\'s server 404, an unknown one 404, a client 403, bad input 400, no DNS plugin for dns-01 400', async () => {
    const before = await count();
    const other = await server.request('POST', '/api/v1/server-certificates', { token: b.token, body: { serverId: serverA.id } });
    assert.equal(other.status, 404, JSON.stringify(other.body));
    assert.equal((other.body as { error: string }).error, 'Server not found');
    assert.equal((await server.request('POST', '/api/v1/server-certificates', { token: a.token, body: { serverId: '00000000-0000-4000-8000-000000000000' } })).status, 404);
    for (const body of [{}, { serverId: 'x' }, { serverId: serverA.id, extra: 1 }, { serverId: serverA.id, autoRenew: 'yes' }]) {
      const r = await server.request('POST', '/api/v1/server-certificates', { token: a.token, body });
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status}`);
    }
    const { plan } = await seedGroup(server, a.token, 'least_full', [{}]);
    const svc = await seedService(server, a.token, plan.id);
    const client = await createUser(server, a.token, ['client'], { tenant: 'ssl-srv-a', clientId: svc.clientId });
    assert.equal((await server.request('POST', '/api/v1/server-certificates', { token: client.token, body: { serverId: serverA.id } })).status, 403);
    const noDns = await server.request('POST', '/api/v1/server-certificates', { token: a.token, body: { serverId: serverA.id } });
    assert.equal(noDns.status, 400, JSON.stringify(noDns.body));
    assert.match((noDns.body as { details: { serverId: string } }).details.serverId, /dns-01, and no DNS plugin is active/);
    assert.equal(await count(), before, 'nothing stored');
  });

  it('the sweep installs again a server certificate issued but not installed; a plain certificate without site or server is left alone', async () => {
    const enqueued: string[] = [];
    const plugin = {
      db: { transaction: <R>(_t: string, fn: (trx: Knex.Transaction) => Promise<R>) => server.knex.transaction(fn) },
      jobs: { enqueue: async (_name: string, data: { certificateId: string }) => { enqueued.push(data.certificateId); return 'job'; } },
      services: { tryResolve: (ref: { id: string }) => (ref.id === 'hosting.sites' ? service() : undefined) },
      logger: { warn: () => undefined, info: () => undefined },
    } as unknown as PluginContext<SslSettings>;
    const now = new Date();
    const issued = { challenge: 'dns-01', status: 'active', certificate_pem: 'chain', private_key: 'sealed', not_before: new Date(now.getTime() - 86_400_000), not_after: new Date(now.getTime() + 89 * 86_400_000), renew_at: new Date(now.getTime() + 50 * 86_400_000), installed_at: null };
    const insert = async (name: string) => ((await server.knex('certificates').insert({ tenant_id: a.tenant.id, names: [name], primary_name: name, ...issued }).returning('id'))[0] as { id: string }).id;
    const serverCert = await insert('mx1.mail-a.test');
    const plain = await insert('plain.mail-a.test');
    const result = await sweepTenant({ plugin, metrics: { issued: () => undefined } }, a.tenant.id, now);
    assert.deepEqual(enqueued, [serverCert], `claimed ${JSON.stringify(enqueued)} (plain ${plain})`);
    assert.equal(result.queued, 1);
    enqueued.length = 0;
    await sweepTenant({ plugin, metrics: { issued: () => undefined } }, a.tenant.id, new Date(now.getTime() + 60_000));
    assert.deepEqual(enqueued, [], 'a claimed row is not claimed twice');
    // The list shows whose it is.
    const listed = await must(server, a.token, 'GET', '/api/v1/certificates?search=mail-a.test');
    assert.deepEqual(listed.map((c: { primaryName: string; serverId: string | null }) => [c.primaryName, c.serverId]).sort(), [['mx1.mail-a.test', serverA.id], ['plain.mail-a.test', null]]);
  });
});
