import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { EventDispatcher } from '../../src/events/dispatcher.ts';
import { waitFor } from '../plugins/wait.ts';

const runs = new Map<string, number>();
let plugin!: PluginContext;
const probe = definePlugin({
  manifest: { id: 'twin-probe', name: 'Twin probe', version: '1.0.0', engines: { mpanel: '*' }, resources: ['twin'], events: { emits: ['twin.made', 'twin.stuck'], subscribes: ['twin.made', 'twin.stuck'] } },
  register(ctx) {
    plugin = ctx;
    ctx.events.subscribe('twin.made', async (event) => {
      runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
      // Long enough for the other instance to try the same rows meanwhile.
      await sleep(5);
    });
    // Stuck in one statement, far past its timeout, on its first run.
    ctx.events.subscribe('twin.stuck', async (event, h) => {
      const run = (runs.get(event.id) ?? 0) + 1;
      runs.set(event.id, run);
      if (run === 1) await h.trx.raw('select pg_sleep(20)');
    }, { timeoutMs: 300 });
  },
});

describe('the event dispatcher on PostgreSQL', function () {
  this.timeout(120_000);
  let server: TestServer;
  let second: EventDispatcher;
  const tenants: TenantWithAdmin[] = [];

  before(async () => {
    server = await startTestServer({ plugins: { definitions: [probe], eventDelivery: { tenantBatchSize: 10, sliceMs: 100 } } });
    for (const slug of ['twin-a', 'twin-b', 'twin-c']) tenants.push(await createTenantWithAdmin(server, { slug }));
    const c = server.running.platform.container.cradle;
    second = new EventDispatcher(c.knex, c.appKnex, c.eventBus, c.logger, {
      isEnabled: (owner, tenantId, trx) => c.pluginTenantStates.isEnabled(owner, tenantId, trx),
      isActive: (owner) => c.pluginManager.isUsable(owner),
    });
    const first = c.eventBus.onCommitted;
    c.eventBus.onCommitted = () => {
      first();
      second.loop.wake();
    };
    second.loop.start();
  });
  after(async () => {
    await second?.loop.stop();
    await server?.close();
  });

  it('two instances on one database deliver every event once between them, each tenant\'s deliveries shared without running one twice', async () => {
    const ids = (await Promise.all(tenants.map((t) => plugin.db.transaction(t.tenant.id, () =>
      plugin.events.emitMany(Array.from({ length: 100 }, (_, i) => ({ name: 'twin.made', payload: { i } }))))))).flat();
    await waitFor(async () => {
      const [{ n }] = (await server.knex('event_deliveries').whereIn('event_id', ids).where({ status: 'delivered' }).count({ n: '*' })) as [{ n: number }];
      return Number(n) === ids.length;
    }, 60_000);
    assert.equal(runs.size, ids.length);
    assert.deepEqual([...new Set(runs.values())], [1], 'every handler ran exactly once');
    const attempts = (await server.knex('event_deliveries').whereIn('event_id', ids).distinct('attempts')) as Array<{ attempts: number }>;
    assert.deepEqual(attempts.map((r) => r.attempts), [1]);
  });

  it('a handler stuck in a statement past its timeout is cancelled by the database, so its turn ends and it is retried', async () => {
    const started = Date.now();
    const eventId = await plugin.db.transaction(tenants[0]!.tenant.id, () => plugin.events.emit('twin.stuck', {}));
    const row = await waitFor(async () => {
      const r = (await server.knex('event_deliveries').where({ event_id: eventId }).first()) as { status: string; attempts: number } | undefined;
      return r?.status === 'delivered' ? r : undefined;
    }, 30_000);
    assert.equal(row.attempts, 2);
    // Without the statement timeout the rollback would wait out pg_sleep(20).
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });
});
