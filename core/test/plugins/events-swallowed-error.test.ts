import assert from 'node:assert/strict';
import { definePlugin, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { waitFor } from './wait.ts';

let plugin!: PluginContext;
/** A handler that catches a failed statement without a savepoint: its delivery's transaction is aborted, yet it returns. */
const swallower = definePlugin({
  manifest: {
    id: 'swallow-probe', name: 'Swallow probe', version: '1.0.0', engines: { mpanel: '*' }, resources: ['swallows'],
    events: { emits: ['swallow.made'], subscribes: ['swallow.made'] },
  },
  register(ctx) {
    plugin = ctx;
    ctx.events.subscribe('swallow.made', async (event, h) => {
      if (!(event.payload as { poison?: boolean }).poison) return;
      try {
        await h.trx.raw('select 1/0');
      } catch {
        // Swallowed on purpose.
      }
    }, { maxAttempts: 2 });
  },
});

describe('an event handler that swallows a failed statement', function () {
  this.timeout(120_000);
  let server: TestServer;
  let a: TenantWithAdmin;
  before(async () => {
    server = await startTestServer({ plugins: { definitions: [swallower], eventRetryBaseMs: 10 } });
    a = await createTenantWithAdmin(server, { slug: 'swallow-a' });
  });
  after(() => server?.close());

  const statusOf = async (eventId: string) => ((await server.knex('event_deliveries').where({ event_id: eventId }).first()) as { status: string; attempts: number; last_error: string | null } | undefined);

  it('is retried and dead-lettered alone; the deliveries after it still arrive', async () => {
    const poison = await plugin.db.transaction(a.tenant.id, () => plugin.events.emit('swallow.made', { poison: true }));
    const dead = await waitFor(async () => {
      const row = await statusOf(poison);
      return row?.status === 'dead' ? row : undefined;
    }, 60_000);
    assert.equal(dead.attempts, 2);
    assert.match(dead.last_error ?? '', /aborted/);
    const fine = await plugin.db.transaction(a.tenant.id, () => plugin.events.emit('swallow.made', { poison: false }));
    assert.equal((await waitFor(async () => ((await statusOf(fine))?.status === 'delivered' ? statusOf(fine) : undefined), 60_000))!.attempts, 1);
  });
});
