import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { definePlugin, ok, type RouteContext } from '@mpanel/sdk';
import { createTestHost, type TestHost } from '@mpanel/sdk/testing';

let seen: Pick<RouteContext, 'tenant' | 'principal' | 'requestId'> | undefined;

/** Routes that show what a handler gets and what it can set, without any web framework type. */
const probe = definePlugin({
  manifest: {
    id: 'ctx-probe',
    name: 'Route context probe',
    version: '1.0.0',
    engines: { mpanel: '>=0.1.0' },
    permissions: [{ name: 'ctx-probe.use', description: 'Probe', defaultRoles: ['admin'] }],
  },
  register(ctx) {
    const base = { permission: 'ctx-probe.use' } as const;
    ctx.routes.add({
      ...base, method: 'POST', path: '/api/v1/ctx-probe/echo/:n',
      schema: { params: { type: 'object', properties: { n: { type: 'integer' } } }, query: { type: 'object', properties: { q: { type: 'string' } } }, body: { type: 'object' } },
      handler: async (c: RouteContext<{ n: number }, { q?: string }, Record<string, unknown>>) => {
        seen = { tenant: c.tenant, principal: c.principal, requestId: c.requestId };
        // db is the request's transaction: the tenant context is set in it.
        const { rows } = (await c.db.raw(`select current_setting('app.tenant_id', true) as tenant`)) as { rows: Array<{ tenant: string }> };
        c.log.info({ n: c.params.n }, 'echo');
        return ok({ n: c.params.n, q: c.query.q ?? null, body: c.body, dbTenant: rows[0]!.tenant, header: c.header('x-probe') ?? null });
      },
    });
    ctx.routes.add({
      ...base, method: 'GET', path: '/api/v1/ctx-probe/file',
      handler: (c) => {
        c.response.type = 'text/csv';
        c.response.headers['Content-Disposition'] = 'attachment; filename="a.csv"';
        c.response.status = 202;
        return Readable.from(['a,b\n', '1,2\n']);
      },
    });
    ctx.routes.add({ ...base, method: 'DELETE', path: '/api/v1/ctx-probe/nothing', handler: () => undefined });
    ctx.routes.add({
      ...base, method: 'GET', path: '/api/v1/ctx-probe/no-trx', transaction: false,
      handler: (c) => {
        try {
          return ok({ db: typeof c.db });
        } catch (err) {
          return ok({ refused: (err as Error).message });
        }
      },
    });
  },
});

describe('RouteContext: what a plugin route handler gets', () => {
  let host: TestHost;
  before(async () => {
    host = await createTestHost({ plugins: [probe] });
  });
  after(() => host?.close());

  it('has the tenant, the caller, the request transaction and the validated input', async () => {
    const res = await host.request('POST', '/api/v1/ctx-probe/echo/7?q=hi', { body: { a: 1 }, headers: { 'x-probe': 'yes' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.n, 7); // coerced by the params schema
    assert.deepEqual([res.body.data.q, res.body.data.body, res.body.data.header], ['hi', { a: 1 }, 'yes']);
    assert.ok(seen?.tenant && seen.principal);
    assert.equal(res.body.data.dbTenant, seen.tenant.id);
    assert.equal(seen.principal.email, 'admin@example.test');
    assert.equal(seen.requestId, res.headers.get('x-request-id'));
    assert.equal((await host.request('POST', '/api/v1/ctx-probe/echo/x', { body: {} })).status, 400);
  });

  it('streams a body with its status, type and headers', async () => {
    const res = await host.request('GET', '/api/v1/ctx-probe/file');
    assert.equal(res.status, 202);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="a.csv"');
    assert.equal(res.body, 'a,b\n1,2\n');
  });

  it('answers 204 when the handler returns nothing', async () => {
    const res = await host.request('DELETE', '/api/v1/ctx-probe/nothing');
    assert.equal(res.status, 204);
  });

  it('has no db on a route without a transaction, and says why', async () => {
    const res = await host.request('GET', '/api/v1/ctx-probe/no-trx');
    assert.match(res.body.data.refused, /transaction: false/);
  });
});
