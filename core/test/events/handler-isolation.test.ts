import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin, type EventHandler, type PluginContext, type SubscribeOptions } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { waitFor } from '../plugins/wait.ts';

/** Outside effects, counted in memory: what a handler did that no rollback can undo. */
const runs = new Map<string, number>();
const countRun = (who: string, eventId: string): number => {
  const key = `${who}:${eventId}`;
  const n = (runs.get(key) ?? 0) + 1;
  runs.set(key, n);
  return n;
};

let source!: PluginContext;
const emitter = definePlugin({
  manifest: { id: 'iso-source', name: 'Iso source', version: '1.0.0', engines: { mpanel: '*' }, resources: ['iso'], events: { emits: ['iso.made', 'iso.slow', 'iso.hang', 'iso.stuck', 'iso.switch'] } },
  register(ctx) {
    source = ctx;
  },
});

/** A plugin with one subscriber; every run writes a row (`iso_effects`) and counts itself. */
function subscriberPlugin(id: string, event: string, handler: (who: string, run: number, ...args: Parameters<EventHandler>) => Promise<void>, options?: SubscribeOptions) {
  return definePlugin({
    manifest: { id, name: id, version: '1.0.0', engines: { mpanel: '*' }, events: { subscribes: [event] } },
    register(ctx) {
      ctx.events.subscribe(event, async (e, h) => {
        const run = countRun(id, e.id);
        await h.trx('iso_effects').insert({ event_id: e.id, who: id, run });
        await handler(id, run, e, h);
      }, options);
    },
  });
}

const nothing = async () => undefined;
const late: Array<{ aborted: boolean; error: string }> = [];
const contexts: string[] = [];
/**
 * Timeouts long enough that a loaded CI machine never times out a handler that only inserts a row
 * (the retries here must succeed), short enough to keep the suite quick.
 */
const HANDLER_TIMEOUT_MS = 1000;
const PLATFORM_TIMEOUT_MS = 1200;
let retryStartedResolve!: () => void;
const retryStarted = { promise: new Promise<void>((resolve) => { retryStartedResolve = resolve; }), resolve: () => retryStartedResolve() };
let firstRunStillBusy = false;
let busyWhenRetried: boolean | undefined;

const plugins = [
  emitter,
  subscriberPlugin('iso-first', 'iso.made', nothing),
  subscriberPlugin('iso-middle', 'iso.made', async (who, run) => {
    if (run === 1) throw new Error(`${who} fails its first run`);
  }),
  subscriberPlugin('iso-last', 'iso.made', nothing),
  // Past its own timeout on the first run, which stays busy until the retry has started (so the
  // retry provably did not wait for it); then it tries to write anyway.
  subscriberPlugin('iso-slow', 'iso.slow', async (who, run, e, h) => {
    if (run > 1) {
      busyWhenRetried ??= firstRunStillBusy;
      retryStarted.resolve();
      return;
    }
    firstRunStillBusy = true;
    await Promise.race([retryStarted.promise, sleep(20_000)]);
    firstRunStillBusy = false;
    try {
      await h.trx('iso_effects').insert({ event_id: e.id, who: `${who}-late`, run });
      late.push({ aborted: h.signal.aborted, error: 'none: the late write went through' });
    } catch (err) {
      late.push({ aborted: h.signal.aborted, error: (err as Error).message });
    }
  }, { timeoutMs: HANDLER_TIMEOUT_MS, maxAttempts: 3 }),
  subscriberPlugin('iso-slow-neighbour', 'iso.slow', nothing),
  // No timeout of its own: the platform's (PLATFORM_TIMEOUT_MS here). Waits for its signal on the first run.
  subscriberPlugin('iso-hang', 'iso.hang', async (_who, run, _e, h) => {
    if (run === 1) await new Promise((resolve) => h.signal.addEventListener('abort', resolve));
  }),
  // Records the tenant context it runs in, then switches it to another tenant and returns.
  subscriberPlugin('iso-switcher', 'iso.switch', async (_who, _run, e, h) => {
    const { rows } = (await h.trx.raw(`select current_setting('app.tenant_id') as t`)) as { rows: Array<{ t: string }> };
    contexts.push(rows[0]!.t);
    await h.trx.raw(`select set_config('app.tenant_id', ?, true)`, [(e.payload as { other: string }).other]);
  }),
  subscriberPlugin('iso-stuck', 'iso.stuck', async (_who, _run, _e, h) => {
    await new Promise((resolve) => h.signal.addEventListener('abort', resolve));
  }, { maxAttempts: 1 }),
];

describe('event handlers are isolated: one failing or timed-out handler is retried alone', function () {
  this.timeout(60_000);
  let server: TestServer;
  let a: TenantWithAdmin;

  before(async () => {
    server = await startTestServer({ plugins: { definitions: plugins, eventRetryBaseMs: 10, eventDelivery: { handlerTimeoutMs: PLATFORM_TIMEOUT_MS } } });
    await server.knex.schema.createTable('iso_effects', (t) => {
      t.uuid('event_id');
      t.text('who');
      t.integer('run');
    });
    await server.knex.raw('grant all on iso_effects to mpanel_app');
    a = await createTenantWithAdmin(server, { slug: 'iso-a' });
  });
  after(() => server?.close());

  const deliveriesOf = async (eventId: string) => (await server.knex('event_deliveries').where({ event_id: eventId }).orderBy('subscriber')) as Array<{ subscriber: string; status: string; attempts: number; last_error: string | null }>;
  const effectsOf = async (eventId: string) => ((await server.knex('iso_effects').where({ event_id: eventId }).orderBy(['who', 'run'])) as Array<{ who: string; run: number }>).map((r) => `${r.who}#${r.run}`);
  const allDelivered = (eventId: string, n: number) => waitFor(async () => {
    const rows = await deliveriesOf(eventId);
    return rows.length === n && rows.every((r) => r.status === 'delivered') ? rows : undefined;
  });

  it('three handlers of one event in one turn, the middle one fails once: the others ran exactly once', async () => {
    const eventId = await source.db.transaction(a.tenant.id, () => source.events.emit('iso.made', { n: 1 }));
    const rows = await allDelivered(eventId, 3);
    assert.deepEqual(rows.map((r) => [r.subscriber, r.attempts]), [['iso-first:iso.made', 1], ['iso-last:iso.made', 1], ['iso-middle:iso.made', 2]]);
    assert.equal(runs.get(`iso-first:${eventId}`), 1, 'first: one outside effect');
    assert.equal(runs.get(`iso-last:${eventId}`), 1, 'last: one outside effect');
    assert.equal(runs.get(`iso-middle:${eventId}`), 2, 'middle: failed once, ran again');
    // The failed run's row was rolled back with its savepoint; the neighbours' rows were not repeated.
    assert.deepEqual(await effectsOf(eventId), ['iso-first#1', 'iso-last#1', 'iso-middle#2']);
  });

  it('a handler past its own timeout fails, its writes are undone, its late writes refused, and it is retried alone', async () => {
    const eventId = await source.db.transaction(a.tenant.id, () => source.events.emit('iso.slow', {}));
    const rows = await allDelivered(eventId, 2);
    assert.deepEqual(rows.map((r) => [r.subscriber, r.attempts]), [['iso-slow-neighbour:iso.slow', 1], ['iso-slow:iso.slow', 2]]);
    assert.equal(runs.get(`iso-slow-neighbour:${eventId}`), 1);
    assert.equal(busyWhenRetried, true, 'the retry ran while the timed-out first run was still busy');
    assert.deepEqual(await effectsOf(eventId), ['iso-slow#2', 'iso-slow-neighbour#1']);
    await waitFor(async () => late.length === 1);
    assert.equal(late[0]!.aborted, true, 'the handler\'s signal was aborted');
    assert.match(late[0]!.error, /Transaction query already complete/);
    assert.deepEqual(await effectsOf(eventId), ['iso-slow#2', 'iso-slow-neighbour#1'], 'nothing written late');
  });

  it('the platform-wide timeout applies to a subscriber without its own', async () => {
    const eventId = await source.db.transaction(a.tenant.id, () => source.events.emit('iso.hang', {}));
    await allDelivered(eventId, 1);
    assert.equal(runs.get(`iso-hang:${eventId}`), 2);
    assert.deepEqual(await effectsOf(eventId), ['iso-hang#2']);
  });

  it('a handler that always hangs is dead-lettered with the timeout as its error', async () => {
    const eventId = await source.db.transaction(a.tenant.id, () => source.events.emit('iso.stuck', {}));
    const dead = await waitFor(async () => (await deliveriesOf(eventId)).find((d) => d.status === 'dead'));
    assert.equal(dead.attempts, 1);
    assert.match(dead.last_error ?? '', new RegExp(`event handler iso-stuck:iso\\.stuck timed out after ${PLATFORM_TIMEOUT_MS} ms`));
    assert.deepEqual(await effectsOf(eventId), [], 'its write was rolled back');
  });

  it('a handler that switches the tenant context does not hand it to the next handler of the turn', async () => {
    const other = await createTenantWithAdmin(server, { slug: 'iso-other' });
    const ids = await source.db.transaction(a.tenant.id, () => source.events.emitMany(Array.from({ length: 5 }, () => ({ name: 'iso.switch', payload: { other: other.tenant.id } }))));
    for (const id of ids) await allDelivered(id, 1);
    assert.deepEqual(contexts, ids.map(() => a.tenant.id));
  });
});
