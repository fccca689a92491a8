import assert from 'node:assert/strict';
import { definePlugin, extensionPoints, type PluginContext } from '@mpanel/sdk';
import { whiteLabel } from '../fixtures/white-label-plugin.ts';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { TenantPluginStates } from '../../src/plugins/tenant-states.ts';
import { waitFor } from './wait.ts';

/** What a job saw of the branding providers, per job tag. */
const seen = new Map<string, string[]>();
let probe: PluginContext;
const extensionUser = definePlugin({
  manifest: { id: 'extension-user-test', name: 'Extension user (test)', version: '1.0.0', engines: { mpanel: '*' } },
  register(ctx) {
    probe = ctx;
    ctx.jobs.define<{ tag: string }>('look', async (job) => {
      seen.set(job.data.tag, ctx.extensions.list(extensionPoints.branding).map((e) => e.key));
    });
  },
});

describe('extension lookups fail closed (ctx.extensions.list/get)', () => {
  let server: TestServer;
  let off: TenantWithAdmin;
  let on: TenantWithAdmin;
  before(async () => {
    server = await startTestServer({ plugins: { definitions: [whiteLabel, extensionUser] } });
    off = await createTenantWithAdmin(server, { slug: 'ext-off' });
    on = await createTenantWithAdmin(server, { slug: 'ext-on' });
    const res = await server.request('POST', '/api/v1/plugins/white-label-test/disable', { token: off.token, body: {} });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
  after(() => server?.close());

  const look = async (tenantId: string, tag: string) => {
    await probe.jobs.enqueue('look', { tag }, { tenantId });
    return waitFor(async () => seen.get(tag));
  };

  it('a job of a tenant that disabled the provider does not get it after a restart (empty cache)', async () => {
    const states = server.running.platform.container.cradle.pluginTenantStates;
    states.forget(off.tenant.id); // what a restart leaves: nothing cached for the tenant
    states.forget(on.tenant.id);
    assert.deepEqual(await look(off.tenant.id, 'off'), []);
    assert.deepEqual(await look(on.tenant.id, 'on'), ['white-label-test'], 'a tenant with the plugin enabled still gets it');
  });

  it('treats an unknown or expired cache entry as disabled', async () => {
    const states = new TenantPluginStates(server.knex, 50);
    assert.equal(states.isEnabledCached('white-label-test', on.tenant.id), false, 'unknown tenant');
    await server.knex.transaction(async (trx) => {
      await trx.raw(`select set_config('app.tenant_id', ?, true), set_config('role', 'mpanel_app', true)`, [on.tenant.id]);
      await states.disabledFor(on.tenant.id, trx);
    });
    assert.equal(states.isEnabledCached('white-label-test', on.tenant.id), true, 'fresh entry');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(states.isEnabledCached('white-label-test', on.tenant.id), false, 'expired entry');
  });

  it('an execution that loads the entry near the end of its TTL still sees it fresh afterwards', async () => {
    const states = new TenantPluginStates(server.knex, 200);
    const load = () => server.knex.transaction(async (trx) => {
      await trx.raw(`select set_config('app.tenant_id', ?, true), set_config('role', 'mpanel_app', true)`, [on.tenant.id]);
      await states.disabledFor(on.tenant.id, trx);
    });
    await load();
    await new Promise((r) => setTimeout(r, 150)); // late in the entry's life
    await load(); // an execution starts: its entry must not expire under it a moment later
    await new Promise((r) => setTimeout(r, 80)); // past the first load's TTL
    assert.equal(states.isEnabledCached('white-label-test', on.tenant.id), true, 'reloaded at the start of the execution');
  });
});
