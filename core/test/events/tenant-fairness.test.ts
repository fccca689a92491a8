import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { waitFor } from '../plugins/wait.ts';
import { FairTenants } from '../../src/events/fair-tenants.ts';

const SLOW_MS = 40;
const BACKLOG = 30;

let plugin!: PluginContext;
let slowTenant = '';
/** Deliveries in the order their handlers finished. */
const done: Array<{ eventId: string; tenantId: string | null; at: number }> = [];
const probe = definePlugin({
  manifest: { id: 'fair-probe', name: 'Fair probe', version: '1.0.0', engines: { mpanel: '*' }, resources: ['fair'], events: { emits: ['fair.tick'], subscribes: ['fair.tick'] } },
  register(ctx) {
    plugin = ctx;
    ctx.events.subscribe('fair.tick', async (event) => {
      // Tenant A's handler is slow (well within its timeout); everyone else's is instant.
      if (event.tenantId === slowTenant) await sleep(SLOW_MS);
      done.push({ eventId: event.id, tenantId: event.tenantId, at: Date.now() });
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
    // Handlers run before their turn commits: done when every mark has committed.
    const delivered = async () => Number(((await server.knex('event_deliveries').where({ status: 'delivered', subscriber: 'fair-probe:fair.tick' }).count({ n: '*' })) as [{ n: number }])[0].n);
    await waitFor(async () => (await delivered()) === BACKLOG + 1, 30_000);
    assert.equal(done.length, BACKLOG + 1, 'each handler ran once');
    assert.equal(new Set(done.map((d) => d.eventId)).size, BACKLOG + 1);

    const bIndex = done.findIndex((d) => d.tenantId === b.tenant.id);
    const bLatency = done[bIndex]!.at - started;
    const aTotal = done[done.length - 1]!.at - started;
    // A's backlog takes at least BACKLOG × SLOW_MS (1.2 s) however it is scheduled.
    assert.ok(aTotal >= BACKLOG * SLOW_MS, `A took ${aTotal} ms`);
    assert.ok(bIndex < BACKLOG / 2, `B came after ${bIndex} of A's ${BACKLOG} deliveries`);
    assert.ok(bLatency < aTotal / 2, `B took ${bLatency} ms, A's backlog ${aTotal} ms`);
  });

  it('takes tenants round-robin: each due tenant once per round, the platform first, busy ones skipped', async () => {
    const { eventDispatcher } = server.running.platform.container.cradle;
    await eventDispatcher.loop.stop();
    const c = await createTenantWithAdmin(server, { slug: 'fair-c' });
    const tenants = [a.tenant.id, b.tenant.id, c.tenant.id].sort();
    for (const tenantId of [...tenants, null]) {
      const [event] = (await server.knex('outbox_events').insert({ tenant_id: tenantId, name: 'fair.tick', source: 'test', payload: '{}', dispatched_at: new Date() }).returning('id')) as Array<{ id: string }>;
      await server.knex('event_deliveries').insert(Array.from({ length: 3 }, (_, i) => ({ event_id: event!.id, tenant_id: tenantId, subscriber: `nobody-${i}:fair.tick` })));
    }
    const fair = new FairTenants(server.knex);
    assert.deepEqual(await fair.next(2, new Set()), [null, tenants[0]]);
    assert.deepEqual(await fair.next(2, new Set([null])), [tenants[1], tenants[2]]);
    // Wrapped around: the round starts again, skipping the busy tenant.
    assert.deepEqual(await fair.next(5, new Set([null, tenants[1]!])), [tenants[0], tenants[2]]);
    // Not due (a retry later) is not picked.
    await server.knex('event_deliveries').where({ tenant_id: tenants[0] }).update({ next_attempt_at: new Date(Date.now() + 60_000) });
    assert.deepEqual(await fair.next(5, new Set([null])), [tenants[1], tenants[2]]);
  });
});
