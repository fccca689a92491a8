import assert from 'node:assert/strict';
import { definePlugin, ok, type PluginContext } from '@mpanel/sdk';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { createTenantWithAdmin, type TenantWithAdmin } from '../../src/testing/auth.ts';

let probe: PluginContext;
/** A route whose handler tries to leave row-level security from inside its request transaction. */
const escapist = definePlugin({
  manifest: { id: 'role-escape-test', name: 'Role escape (test)', version: '1.0.0', engines: { mpanel: '*' }, resources: ['role-escape'] },
  register(ctx) {
    probe = ctx;
    ctx.routes.add({
      method: 'POST',
      path: '/api/v1/role-escape',
      permission: 'users.read',
      async handler(c) {
        const trx = probe.db.current();
        const { statement } = c.body as { statement: string };
        try {
          await trx.raw(statement);
        } catch (err) {
          return ok({ refused: (err as { code?: string }).code ?? 'error' });
        }
        const { rows } = (await trx.raw('select current_user as role, array_agg(distinct tenant_id::text) as tenants from users')) as { rows: Array<{ role: string; tenants: string[] | null }> };
        return ok({ role: rows[0]!.role, tenants: rows[0]!.tenants ?? [] });
      },
    });
  },
});

const embedded = !process.env.TEST_DATABASE_URL;

describe(`a request cannot leave row-level security with RESET ROLE / SET ROLE (${embedded ? 'PGlite: the documented limitation' : 'PostgreSQL'})`, () => {
  let server: TestServer;
  let a: TenantWithAdmin;
  let b: TenantWithAdmin;
  let owner: string;
  before(async () => {
    server = await startTestServer({ plugins: { definitions: [escapist] } });
    a = await createTenantWithAdmin(server, { slug: 'escape-a' });
    b = await createTenantWithAdmin(server, { slug: 'escape-b' });
    owner = ((await server.knex.raw('select current_user as u')) as { rows: Array<{ u: string }> }).rows[0]!.u;
  });
  after(() => server?.close());

  const attempt = async (statement: string) => {
    const res = await server.request('POST', '/api/v1/role-escape', { token: a.token, body: { statement } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { role?: string; tenants?: string[]; refused?: string };
  };

  it('sees only its own tenant before any attempt', async () => {
    assert.deepEqual(await attempt('select 1'), { role: 'mpanel_app', tenants: [a.tenant.id] });
  });

  if (embedded) {
    it('PGlite: one superuser session, so RESET ROLE does widen what a request sees (embedded mode is not the hardened one)', async () => {
      const seen = await attempt('RESET ROLE');
      assert.equal(seen.role, owner);
      assert.ok(seen.tenants!.includes(b.tenant.id));
    });
    return;
  }

  it('RESET ROLE and SET ROLE NONE stay the app role and see only the tenant', async () => {
    for (const statement of ['RESET ROLE', 'SET ROLE NONE', 'SET LOCAL ROLE NONE']) {
      assert.deepEqual(await attempt(statement), { role: 'mpanel_app', tenants: [a.tenant.id] }, statement);
    }
    // RESET ALL also drops the tenant context: narrower, never wider.
    assert.deepEqual(await attempt('RESET ALL'), { role: 'mpanel_app', tenants: [] });
  });

  it('SET ROLE or SET SESSION AUTHORIZATION to the owner (or postgres) is refused', async () => {
    for (const role of new Set([owner, 'postgres'])) {
      for (const statement of [`SET ROLE "${role}"`, `SET LOCAL ROLE "${role}"`, `SET SESSION AUTHORIZATION "${role}"`, `select set_config('role', '${role}', false)`]) {
        assert.deepEqual(await attempt(statement), { refused: '42501' }, statement);
      }
    }
  });

  it('clearing the tenant context leaves it seeing no tenant at all', async () => {
    const seen = await attempt(`select set_config('app.tenant_id', '', true)`);
    assert.deepEqual(seen, { role: 'mpanel_app', tenants: [] });
  });
});
