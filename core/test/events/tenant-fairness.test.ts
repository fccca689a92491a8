import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { waitFor } from '../plugins/wait.ts';

const SLOW_MS = 40;
const BACKLOG = 30;

let plugin!: PluginContext;
let slowTenant = '';
/** Deliveries in the order their handlers finished. */
const done: Array<{ tenantId: string | null; at: number }> = [];
const probe = definePlugin({
  manifest: { id: 'fair-probe', name: 'Fair probe', version: '1.0.0', engines: { mpanel: '*' }, events: { emits: ['fair.tick'], subscribes: ['fair.tick'] } },
  register(ctx) {
    plugin = ctx;
    ctx.events.subscribe('fair.tick', async (event) => {
      // Tenant A's handler is slow (well within its timeout); everyone else's is instant.
      if (event.tenantId === slowTenant) await sleep(SLOW_MS);
      done.push({ tenantId: event.tenantId, at: Date.now() });
    });
  },
});

describe('event delivery is fair across tenants', function () {
  this.timeout(60_000);
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;

  before(async () => {
    server = await startTestServer({ plugins: { definitions: [probe], eventDelivery: { tenantBatchSize: 5, sliceMs: 150, concurrency: 4 } } });
    a = await createTenantWithAdmin(server, { slug: 'fair-a' });
    b = await createTenantWithAdmin(server, { slug: 'fair-b' });
    slowTenant = a.tenant.id;
  });
  after(() => server?.close());

  it('tenant B\'s event is delivered long before tenant A\'s slow backlog is half done', async () => {
    const started = Date.now();
    await plugin.db.transaction(a.tenant.id, () => plugin.events.emitMany(Array.from({ length: BACKLOG }, (_, i) => ({ name: 'fair.tick', payload: { i } }))));
    await plugin.db.transaction(b.tenant.id, () => plugin.events.emit('fair.tick', {}));
    await waitFor(async () => done.length === BACKLOG + 1, 30_000);

    const bIndex = done.findIndex((d) => d.tenantId === b.tenant.id);
    const bLatency = done[bIndex]!.at - started;
    const aTotal = done[done.length - 1]!.at - started;
    // A's backlog takes at least BACKLOG × SLOW_MS (1.2 s) however it is scheduled.
    assert.ok(aTotal >= BACKLOG * SLOW_MS, `A took ${aTotal} ms`);
    assert.ok(bIndex < BACKLOG / 2, `B came after ${bIndex} of A's ${BACKLOG} deliveries`);
    assert.ok(bLatency < aTotal / 2, `B took ${bLatency} ms, A's backlog ${aTotal} ms`);
    const [{ n }] = (await server.knex('event_deliveries').where({ status: 'delivered', subscriber: 'fair-probe:fair.tick' }).count({ n: '*' })) as [{ n: number }];
    assert.equal(Number(n), BACKLOG + 1, 'each delivered once');
  });
});
