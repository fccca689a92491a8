import assert from 'node:assert/strict';
import { definePlugin, VetoError, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { waitFor } from './wait.ts';

/**
 * Batched outbox writes (buffered per transaction, one INSERT + one NOTIFY at commit, still inside
 * the transaction), `emitMany`, batched deliveries with per-delivery savepoints, and the plugin
 * context gaps of round 1 (settings hook, ctx.db.transaction as an execution, gate by :tenantId).
 */
let plugin!: PluginContext;
const handled: string[] = [];
const probe = definePlugin({
  manifest: {
    id: 'batch-probe', name: 'Batch probe', version: '1.0.0', engines: { mpanel: '*' }, resources: ['probes'],
    events: { emits: ['probe.made', 'probe.echo'], subscribes: ['probe.made'] },
    settings: { type: 'object', properties: { key: { type: 'string' }, note: { type: 'string' } } },
  },
  register(ctx) {
    plugin = ctx;
    ctx.events.subscribe('probe.made', async (event, h) => {
      const p = event.payload as { n: number; fail?: boolean };
      await h.trx('batch_probe_effects').insert({ event_id: event.id, n: p.n });
      // Emitted by the handler: written with its delivery, dropped with a failed one.
      await ctx.events.emit('probe.echo', { n: p.n });
      if (p.fail) throw new Error(`handler refuses ${p.n}`);
      handled.push(event.id);
    }, { maxAttempts: 2 });
    ctx.hooks.on<{ pluginId: string; values: Record<string, unknown> }>('pluginSettings.beforeUpdate', (payload) => {
      if (payload.pluginId !== 'batch-probe') return;
      if (payload.values.key === 'bad') throw new VetoError('key rejected', { key: 'rejected by the provider' });
      return { ...payload, values: { ...payload.values, note: 'checked' } };
    });
    ctx.routes.add({ method: 'POST', path: '/api/webhooks/batch-probe/:tenantId', public: true, scope: 'webhook', handler: () => ({ data: { ok: true } }) });
  },
});

describe('durable events in batches', function () {
  this.timeout(120_000);
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  const outbox = (name: string) => server.knex('outbox_events').where({ name }).orderBy('created_at');

  before(async () => {
    server = await startTestServer({ plugins: { definitions: [probe], eventRetryBaseMs: 10 } });
    await server.knex.schema.createTable('batch_probe_effects', (t) => {
      t.uuid('event_id');
      t.integer('n');
    });
    await server.knex.raw('grant all on batch_probe_effects to mpanel_app');
    a = await createTenantWithAdmin(server, { slug: 'batch-a' });
    b = await createTenantWithAdmin(server, { slug: 'batch-b' });
  });
  after(() => server?.close());

  it('writes a transaction\'s events at commit in one INSERT, inside the transaction', async () => {
    const inserts: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (/insert into "outbox_events"/i.test(q.sql)) inserts.push(q.sql);
    };
    // Plugin transactions run on the app role's pool (the same knex as server.knex on PGlite).
    const appKnex = server.running.platform.container.cradle.appKnex;
    appKnex.on('query', onQuery);
    let seenInside = -1;
    const ids = await plugin.db.transaction(a.tenant.id, async (trx) => {
      const one = await plugin.events.emit('probe.echo', { n: 1 });
      const many = await plugin.events.emitMany([{ name: 'probe.echo', payload: { n: 2 } }, { name: 'probe.echo', payload: { n: 3 } }]);
      seenInside = ((await trx('outbox_events').whereIn('id', [one, ...many])) as unknown[]).length;
      return [one, ...many];
    });
    appKnex.off('query', onQuery);
    assert.equal(seenInside, 0, 'buffered until commit');
    assert.equal(inserts.length, 1, 'one multi-row INSERT');
    const rows = (await server.knex('outbox_events').whereIn('id', ids)) as Array<{ tenant_id: string; payload: { n: number } }>;
    assert.deepEqual(rows.map((r) => r.payload.n).sort(), [1, 2, 3]);
    assert.ok(rows.every((r) => r.tenant_id === a.tenant.id), 'the execution\'s tenant');
  });

  it('writes nothing when the transaction rolls back, or a savepoint it was emitted in does', async () => {
    await assert.rejects(plugin.db.transaction(a.tenant.id, async () => {
      await plugin.events.emit('probe.echo', { n: 'rolled-back' });
      throw new Error('change refused');
    }), /change refused/);
    await plugin.db.transaction(a.tenant.id, async (trx) => {
      await plugin.events.emit('probe.echo', { n: 'outer' }, { trx });
      await trx.transaction(async (sp) => {
        await plugin.events.emit('probe.echo', { n: 'savepoint-kept' }, { trx: sp });
      });
      await trx.transaction(async (sp) => {
        await plugin.events.emit('probe.echo', { n: 'savepoint-dropped' }, { trx: sp });
        throw new Error('undo the savepoint');
      }).catch(() => undefined);
    });
    const ns = ((await outbox('probe.echo')) as Array<{ payload: { n: unknown } }>).map((r) => r.payload.n);
    assert.ok(!ns.includes('rolled-back'));
    assert.ok(!ns.includes('savepoint-dropped'));
    assert.ok(ns.includes('outer') && ns.includes('savepoint-kept'));
  });

  it('rolls the change back with the events when writing them fails (same transaction)', async () => {
    await server.knex.schema.createTable('batch_probe_changes', (t) => t.text('label'));
    await server.knex.raw('grant all on batch_probe_changes to mpanel_app');
    await assert.rejects(plugin.db.transaction(a.tenant.id, async (trx) => {
      await trx('batch_probe_changes').insert({ label: 'must vanish' });
      await plugin.events.emit('probe.echo', { n: 'bad tenant' }, { tenantId: 'not-a-uuid' });
    }), /uuid/);
    assert.equal((await server.knex('batch_probe_changes').count({ n: '*' }))[0]!.n, 0);
  });

  it('refuses an undeclared name in emitMany and writes none of the batch', async () => {
    await assert.rejects(plugin.db.transaction(a.tenant.id, () =>
      plugin.events.emitMany([{ name: 'probe.echo', payload: { n: 'first' } }, { name: 'probe.unknown', payload: {} }])), /without declaring it/);
    const ns = ((await outbox('probe.echo')) as Array<{ payload: { n: unknown } }>).map((r) => r.payload.n);
    assert.ok(!ns.includes('first'));
  });

  it('delivers a batch: a failing handler is retried and dead-lettered alone, its effects and events undone', async () => {
    const ids = await plugin.db.transaction(a.tenant.id, () =>
      plugin.events.emitMany(Array.from({ length: 30 }, (_, i) => ({ name: 'probe.made', payload: { n: i, fail: i === 7 } }))));
    const bad = ids[7]!;
    const dead = await waitFor(async () => {
      const row = (await server.knex('event_deliveries').where({ event_id: bad }).first()) as { status: string; attempts: number; last_error: string } | undefined;
      return row?.status === 'dead' ? row : undefined;
    }, 60_000);
    assert.equal(dead.attempts, 2);
    assert.match(dead.last_error, /handler refuses 7/);
    const delivered = await waitFor(async () => {
      const [{ n }] = (await server.knex('event_deliveries').whereIn('event_id', ids).where({ status: 'delivered' }).count({ n: '*' })) as [{ n: number }];
      return Number(n) === 29 ? n : undefined;
    }, 60_000);
    assert.equal(Number(delivered), 29);
    const effects = (await server.knex('batch_probe_effects').whereIn('event_id', ids)) as Array<{ event_id: string; n: number }>;
    assert.equal(effects.length, 29, 'one effect per delivered event, none of the failed one');
    assert.ok(!effects.some((e) => e.event_id === bad));
    const echoes = ((await outbox('probe.echo')) as Array<{ payload: { n: unknown } }>).map((r) => r.payload.n);
    assert.ok(!echoes.includes(7), 'the failed handler\'s event is undone');
    assert.ok(echoes.includes(6) && echoes.includes(8));
    assert.ok(ids.every((id) => id === bad || handled.includes(id)));
  });

  it('runs pluginSettings.beforeUpdate before storing: a veto is a 4xx and stores nothing', async () => {
    const veto = await server.request('PUT', '/api/v1/plugins/batch-probe/settings', { token: a.token, body: { key: 'bad' } });
    assert.equal(veto.status, 422);
    assert.equal((await server.knex('plugin_settings').where({ tenant_id: a.tenant.id, plugin_id: 'batch-probe' })).length, 0);
    const saved = await server.request('PUT', '/api/v1/plugins/batch-probe/settings', { token: a.token, body: { key: 'good' } });
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.body.data.values, { key: 'good', note: 'checked' });
  });

  it('ctx.db.transaction runs fn as an execution of that transaction (current, scope, settings)', async () => {
    const seen = await plugin.db.transaction(a.tenant.id, async (trx) => ({
      same: plugin.db.current() === trx,
      tenant: plugin.scope()?.tenantId,
      settings: await plugin.settings.get(),
    }));
    assert.equal(seen.same, true);
    assert.equal(seen.tenant, a.tenant.id);
    assert.equal(seen.settings.key, 'good');
  });

  it('gates a plugin route by its :tenantId tenant', async () => {
    const off = await server.request('POST', '/api/v1/plugins/batch-probe/disable', { token: b.token });
    assert.equal(off.status, 200);
    assert.equal((await server.request('POST', `/api/webhooks/batch-probe/${b.tenant.id}`, { body: {} })).status, 404);
    assert.equal((await server.request('POST', `/api/webhooks/batch-probe/${a.tenant.id}`, { body: {} })).status, 200);
  });
});
