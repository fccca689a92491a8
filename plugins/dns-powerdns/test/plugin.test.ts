import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DnsProvider } from '@mpanel/sdk';
// The plugin loaded by core's test server from a plugins folder, as the other plugins' HTTP tests do.
// eslint-disable-next-line no-restricted-imports
import { startTestServer, type TestServer } from '../../../core/src/testing/test-server.ts';
// eslint-disable-next-line no-restricted-imports
import { createTenantWithAdmin, type TenantWithAdmin } from '../../../core/src/testing/auth.ts';
import type { PowerDnsSettings } from '../src/provider.ts';

/** A PowerDNS API stand-in that answers the server info to the right key only. */
async function pdnsStub(port: number, key: string): Promise<{ server: Server; keys: string[] }> {
  const keys: string[] = [];
  const server = createServer((req, res) => {
    keys.push(String(req.headers['x-api-key']));
    const ok = req.headers['x-api-key'] === key && req.url === '/api/v1/servers/localhost';
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(ok ? JSON.stringify({ id: 'localhost', daemon_type: 'authoritative', version: '4.7.3' }) : 'Unauthorized');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, keys };
}

async function boot(env: Record<string, string>): Promise<{ server: TestServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mpanel-dns-powerdns-'));
  symlinkSync(fileURLToPath(new URL('..', import.meta.url)), join(dir, 'dns-powerdns'));
  const server = await startTestServer({ env, plugins: { directories: [dir] } });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The provider as the dns plugin finds it: the `powerdns` implementation of extension point `dns`. */
function providerOf(server: TestServer): DnsProvider<PowerDnsSettings> {
  const list = server.running.platform.container.cradle.pluginServices.listExtensions({ id: 'dns' }) as Array<{ key: string; owner: string; impl: DnsProvider<PowerDnsSettings> }>;
  const found = list.find((e) => e.key === 'powerdns' && e.owner === 'dns-powerdns');
  assert.ok(found, `extensions: ${JSON.stringify(list.map((e) => [e.owner, e.key]))}`);
  return found.impl;
}

describe('dns-powerdns loaded by the platform', function () {
  this.timeout(120_000);
  let stub: Awaited<ReturnType<typeof pdnsStub>>;
  const KEY = 'the-pdns-api-key';

  before(async () => {
    stub = await pdnsStub(25230, KEY);
  });
  after(() => new Promise<void>((resolve) => stub.server.close(() => resolve())));

  describe('private targets allowed (a PowerDNS on the LAN)', () => {
    let booted: Awaited<ReturnType<typeof boot>>;
    let a: TenantWithAdmin;
    let b: TenantWithAdmin;
    const req = (t: TenantWithAdmin, method: string, body?: unknown) => booted.server.request(method, '/api/v1/plugins/dns-powerdns/settings', { token: t.token, ...(body === undefined ? {} : { body }) });

    before(async () => {
      booted = await boot({ MPANEL_ALLOW_PRIVATE_TARGETS: 'true' });
      a = await createTenantWithAdmin(booted.server);
      b = await createTenantWithAdmin(booted.server);
    });
    after(() => booted?.close());

    it('stores the API key sealed and never answers it; defaults apply', async () => {
      const put = await req(a, 'PUT', { apiUrl: 'http://127.0.0.1:25230', apiKey: KEY, nameservers: ['ns1.example.net.', 'ns2.example.net'] });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const got = await req(a, 'GET');
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.data.secrets, { apiKey: true });
      assert.equal(got.body.data.values.serverId, 'localhost');
      assert.equal(got.body.data.values.timeoutSeconds, 10);
      assert.doesNotMatch(JSON.stringify(got.body), new RegExp(KEY));
      const row = await booted.server.knex('plugin_settings').where({ plugin_id: 'dns-powerdns', tenant_id: a.tenant.id }).first();
      assert.doesNotMatch(JSON.stringify(row), new RegExp(KEY), 'sealed in the database');
    });

    it('refuses bad settings with 400 and keeps the stored ones', async () => {
      for (const bad of [{ apiUrl: 'ftp://127.0.0.1' }, { timeoutSeconds: 0 }, { timeoutSeconds: 10_000 }, { nameservers: ['not a name'] }, { serverId: '../x' }, { unknown: 1 }]) {
        const res = await req(a, 'PUT', bad);
        assert.equal(res.status, 400, `${JSON.stringify(bad)}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      assert.equal((await req(a, 'GET')).body.data.values.apiUrl, 'http://127.0.0.1:25230');
    });

    it('the provider reads the tenant\'s own settings (the key in clear) when the caller passes none', async () => {
      const provider = providerOf(booted.server);
      const ok = await provider.testConnection({ tenantId: a.tenant.id, settings: {} });
      assert.deepEqual(ok, { ok: true, message: 'PowerDNS Authoritative 4.7.3' });
      assert.equal(stub.keys.at(-1), KEY);
      // Tenant B has set nothing: A's settings are not B's.
      const none = await provider.testConnection({ tenantId: b.tenant.id, settings: {} });
      assert.equal(none.ok, false);
      assert.match(none.message!, /not configured/);
    });
  });

  describe('private targets not allowed (the default)', () => {
    let booted: Awaited<ReturnType<typeof boot>>;
    let a: TenantWithAdmin;
    before(async () => {
      booted = await boot({});
      a = await createTenantWithAdmin(booted.server);
    });
    after(() => booted?.close());

    it('refuses an API URL on the internal network before sending anything', async () => {
      const put = await booted.server.request('PUT', '/api/v1/plugins/dns-powerdns/settings', { token: a.token, body: { apiUrl: 'http://127.0.0.1:25230', apiKey: KEY } });
      assert.equal(put.status, 200);
      const before = stub.keys.length;
      const res = await providerOf(booted.server).testConnection({ tenantId: a.tenant.id, settings: {} });
      assert.equal(res.ok, false);
      assert.match(res.message!, /may not connect to/);
      assert.equal(stub.keys.length, before, 'no request reached the API');
    });
  });
});
