import type { BenchCase } from '../types.ts';

const USERS = 60;
// The SELECT mPanel's GET /api/v1/users runs for one page (index users_tenant_created_idx).
const USERS_PAGE = `select id, tenant_id, email, name, status, client_id, totp_enabled, last_login_at, created_at, updated_at,
  count(*) over () as total from users where tenant_id = $1 order by created_at, id limit 20 offset 0`;

/**
 * Issue 3's figure: an authenticated (JWT + session check), tenant-scoped, RBAC-checked
 * `GET /api/v1/users?perPage=20` against bare Koa + pg running the same page SELECT on the same index.
 */
export const authenticatedUsers: BenchCase = {
  name: 'authenticated GET /api/v1/users?perPage=20',
  goal: 0.6,
  bareRoutes(router, pool) {
    router.get('/users/:tenantId', async (ctx) => {
      const { rows } = await pool.query(USERS_PAGE, [ctx.params.tenantId]);
      ctx.body = { data: rows, meta: { total: Number(rows[0]?.total ?? 0), page: 1, perPage: 20 } };
    });
  },
  async prepare({ knex, mpanelUrl, admin }) {
    const tenant = (await knex('tenants').where({ slug: admin.tenant }).first()) as { id: string };
    const have = Number((await knex('users').where({ tenant_id: tenant.id }).count({ n: '*' }))[0]!.n);
    const rows = Array.from({ length: Math.max(0, USERS - have) }, (_, i) => ({
      tenant_id: tenant.id,
      email: `bench-user-${i}@example.test`,
      password_hash: 'not-a-login',
    }));
    if (rows.length) await knex('users').insert(rows);
    await knex.raw('analyze users');
    const res = await fetch(`${mpanelUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin.email, password: admin.password, tenant: admin.tenant }),
    });
    if (res.status !== 200) throw new Error(`bench login failed: ${res.status} ${await res.text()}`);
    const { data } = (await res.json()) as { data: { accessToken: string } };
    return {
      bare: { path: `/users/${tenant.id}` },
      mpanel: { path: '/api/v1/users?perPage=20', headers: { authorization: `Bearer ${data.accessToken}` } },
    };
  },
};
