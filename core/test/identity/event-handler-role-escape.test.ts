import assert from 'node:assert/strict';
import { definePlugin, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';
import { waitFor } from '../plugins/wait.ts';

interface Seen {
  statement: string;
  role?: string;
  tenants?: string[];
  deliveryTenants?: string[];
  refused?: string;
}

let plugin!: PluginContext;
const seen = new Map<string, Seen>();
/** An event handler that tries to leave row-level security from inside its delivery transaction. */
const escapist = definePlugin({
  manifest: {
    id: 'handler-escape-test', name: 'Handler escape (test)', version: '1.0.0', engines: { mpanel: '*' }, resources: ['escapes'],
    events: { emits: ['escape.try'], subscribes: ['escape.try'] },
  },
  register(ctx) {
    plugin = ctx;
    ctx.events.subscribe('escape.try', async (event, h) => {
      const { statement } = event.payload as { statement: string };
      try {
        // A savepoint, so a refused statement leaves the delivery's transaction usable.
        await h.trx.transaction((sp) => sp.raw(statement));
      } catch (err) {
        seen.set(event.id, { statement, refused: (err as { code?: string }).code ?? 'error' });
        return;
      }
      const { rows } = (await h.trx.raw('select current_user as role, array_agg(distinct tenant_id::text) as tenants from users')) as { rows: Array<{ role: string; tenants: string[] | null }> };
      // Platform deliveries (tenant_id NULL) are shared rows: every tenant may read them.
      const deliveries = (await h.trx('event_deliveries').whereNotNull('tenant_id').distinct('tenant_id')) as Array<{ tenant_id: string }>;
      seen.set(event.id, { statement, role: rows[0]!.role, tenants: rows[0]!.tenants ?? [], deliveryTenants: deliveries.map((d) => d.tenant_id) });
    });
  },
});

const embedded = !process.env.TEST_DATABASE_URL;

describe(`an event handler cannot leave row-level security with RESET ROLE / SET ROLE (${embedded ? 'PGlite: the documented limitation' : 'PostgreSQL'})`, function () {
  this.timeout(120_000);
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let owner: string;
  before(async () => {
    server = await startTestServer({ plugins: { definitions: [escapist], eventRetryBaseMs: 10 } });
    a = await createTenantWithAdmin(server, { slug: 'handler-escape-a' });
    b = await createTenantWithAdmin(server, { slug: 'handler-escape-b' });
    owner = ((await server.knex.raw('select current_user as u')) as { rows: Array<{ u: string }> }).rows[0]!.u;
  });
  after(() => server?.close());

  /** Emits one event per statement (one batch), waits until every delivery is marked delivered. */
  const attempt = async (tenantId: string | null, statements: string[]): Promise<Seen[]> => {
    const emit = () => Promise.all(statements.map((statement) => plugin.events.emit('escape.try', { statement }, { tenantId })));
    const ids = tenantId ? await plugin.db.transaction(tenantId, emit) : await emit();
    await waitFor(async () => {
      const rows = (await server.knex('event_deliveries').whereIn('event_id', ids)) as Array<{ status: string }>;
      return rows.length === ids.length && rows.every((r) => r.status === 'delivered');
    }, 60_000);
    return ids.map((id) => seen.get(id)!);
  };

  it('runs as the app role and sees only its tenant (and its tenant\'s deliveries) before any attempt', async () => {
    const [s] = await attempt(a.tenant.id, ['select 1']);
    assert.deepEqual(s, { statement: 'select 1', role: 'mpanel_app', tenants: [a.tenant.id], deliveryTenants: [a.tenant.id] });
  });

  it('a platform event (no tenant) runs as the app role, sees no tenant and is marked delivered', async () => {
    const [s] = await attempt(null, ['select 1']);
    assert.equal(s!.role, 'mpanel_app');
    assert.deepEqual(s!.tenants, []);
    assert.deepEqual(s!.deliveryTenants, [], 'only platform deliveries are visible');
  });

  it('cannot delete a platform event\'s delivery or move it to its tenant (the shared rows it can read)', async () => {
    const platformEvent = await plugin.events.emit('escape.try', { statement: 'select 1' }, { tenantId: null });
    const platformRow = () => server.knex('event_deliveries').where({ event_id: platformEvent }).first() as Promise<{ id: string; tenant_id: string | null; status: string } | undefined>;
    const before = await waitFor(async () => ((await platformRow())?.status === 'delivered' ? platformRow() : undefined), 60_000);
    const tampering = [
      `update event_deliveries set tenant_id = '${a.tenant.id}', status = 'pending' where id = '${before!.id}'`,
      `update event_deliveries set status = 'pending' where id = '${before!.id}'`,
      `delete from event_deliveries where id = '${before!.id}'`,
    ];
    for (const s of await attempt(a.tenant.id, tampering)) assert.equal(s.refused, undefined, s.statement);
    assert.deepEqual(await platformRow(), before);
  });

  if (embedded) {
    it('PGlite: one superuser session, so RESET ROLE does widen what a handler sees (embedded mode is not the hardened one)', async () => {
      const [s] = await attempt(a.tenant.id, ['RESET ROLE']);
      assert.equal(s!.role, owner);
      assert.ok(s!.tenants!.includes(b.tenant.id));
    });
    return;
  }

  it('RESET ROLE and SET ROLE NONE stay the app role and see only the tenant', async () => {
    const statements = ['RESET ROLE', 'SET ROLE NONE', 'SET LOCAL ROLE NONE'];
    for (const s of await attempt(a.tenant.id, statements)) {
      assert.deepEqual(s, { statement: s.statement, role: 'mpanel_app', tenants: [a.tenant.id], deliveryTenants: [a.tenant.id] }, s.statement);
    }
    const [platform] = await attempt(null, ['RESET ROLE']);
    assert.equal(platform!.role, 'mpanel_app');
    assert.deepEqual(platform!.tenants, []);
  });

  it('SET ROLE or SET SESSION AUTHORIZATION to the owner (or postgres) is refused', async () => {
    const statements = [...new Set([owner, 'postgres'])].flatMap((role) => [`SET ROLE "${role}"`, `SET LOCAL ROLE "${role}"`, `SET SESSION AUTHORIZATION "${role}"`]);
    for (const s of await attempt(a.tenant.id, statements)) assert.deepEqual(s, { statement: s.statement, refused: '42501' }, s.statement);
  });
});
