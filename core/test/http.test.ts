import type { Knex } from 'knex';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { ok } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute } from '../src/http/api-context.ts';
import { startTestServer, type TestServer } from '../src/testing/test-server.ts';
import type { CoreModule } from '../src/module.ts';

/** A module with routes that exercise validation, errors and transactions. */
const probeModule: CoreModule = {
  name: 'probe',
  routes: () => [
    defineRoute<{ id: string }, { page: number }, { name: string; amount: number }>({
      method: 'POST',
      path: '/api/v1/probes/:id',
      public: true,
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } },
        query: { type: 'object', properties: { page: { type: 'integer', minimum: 1, default: 1 } } },
        body: {
          type: 'object',
          required: ['name', 'amount'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1 }, amount: { type: 'integer' } },
        },
      },
      successStatus: 201,
      handler: (ctx) => ok({ id: ctx.input.params.id, page: ctx.input.query.page, ...ctx.input.body }),
    }),
    {
      method: 'GET',
      path: '/api/v1/probes/boom',
      public: true,
      handler: () => {
        throw new Error('secret internals');
      },
    },
    {
      method: 'POST',
      path: '/api/v1/probes-write',
      public: true,
      handler: async (ctx) => {
        const trx = ctx.scope.resolve<Knex.Transaction>('trx');
        await trx.raw('create table if not exists probe_rows (n int)');
        await trx.raw('insert into probe_rows values (1)');
        throw new Error('fail after writing');
      },
    },
  ],
};

describe('HTTP layer', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ modules: [probeModule] });
  });
  after(() => server?.close());

  it('answers GET /api/health per the contract', async () => {
    const res = await server.request('GET', '/api/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.version, '0.1.0');
    assert.equal(res.body.database, process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
    assert.equal(typeof res.body.redis, 'boolean');
    assert.ok(Array.isArray(res.body.plugins));
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('echoes a sane X-Request-Id', async () => {
    const res = await server.request('GET', '/api/health', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(res.headers.get('x-request-id'), 'abc-123');
  });

  it('validates params, query and body with per-field details', async () => {
    const good = await server.request('POST', '/api/v1/probes/0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e?page=3', { body: { name: 'x', amount: 5 } });
    assert.equal(good.status, 201);
    assert.deepEqual(good.body, { data: { id: '0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e', page: 3, name: 'x', amount: 5 } });

    const bad = await server.request('POST', '/api/v1/probes/not-a-uuid', { body: { amount: 'five', extra: 1 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'Validation failed');
    assert.deepEqual(bad.body.details, { id: 'must match format "uuid"' });

    const badBody = await server.request('POST', '/api/v1/probes/0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e', { body: { amount: 'five', extra: 1 } });
    assert.equal(badBody.status, 400);
    assert.deepEqual(badBody.body.details, { name: 'is required', amount: 'must be integer', extra: 'is not allowed' });

    const badQuery = await server.request('POST', '/api/v1/probes/0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e?page=0', { body: { name: 'x', amount: 1 } });
    assert.equal(badQuery.status, 400);
    assert.deepEqual(badQuery.body.details, { page: 'must be >= 1' });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await server.request('POST', '/api/v1/probes/0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e', { raw: '{"name": ' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'Malformed JSON', details: { body: 'is not valid JSON' } });
  });

  it('answers a body over 1 MB with 413', async () => {
    const res = await server.request('POST', '/api/v1/probes/0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e', { raw: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), amount: 1 }) });
    assert.equal(res.status, 413);
    assert.deepEqual(res.body, { error: 'Request body too large' });
  });

  it('counts bytes, not the declared length, for chunked bodies', async () => {
    const url = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/api/v1/probes/0b6f2c1e-3c1a-4b5e-9f3e-2d1c0b9a8f7e', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(64 * 1024));
      req.end();
    });
    assert.equal(status, 413);
  });

  it('answers an unknown route with 404 and a wrong method with 405', async () => {
    const res = await server.request('GET', '/api/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { error: 'Not found' });
    const wrong = await server.request('DELETE', '/api/health');
    assert.equal(wrong.status, 405);
    assert.deepEqual(wrong.body, { error: 'Method not allowed' });
  });

  it('answers an unexpected error with a bare 500, no stack trace', async () => {
    const res = await server.request('GET', '/api/v1/probes/boom');
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, { error: 'Internal server error' });
    assert.ok(!JSON.stringify(res.body).includes('secret internals'));
  });

  it('rolls back everything a failed request wrote', async () => {
    await server.knex.raw('create table if not exists probe_rows (n int)');
    const res = await server.request('POST', '/api/v1/probes-write');
    assert.equal(res.status, 500);
    const rows = await server.knex.raw('select count(*)::int as n from probe_rows');
    assert.equal(rows.rows[0].n, 0);
  });

  it('publishes every route in the OpenAPI document', async () => {
    const res = await server.request('GET', '/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    assert.ok(res.body.paths['/api/health'].get);
    const probe = res.body.paths['/api/v1/probes/{id}'].post;
    assert.equal(probe.parameters[0].name, 'id');
    assert.equal(probe.requestBody.content['application/json'].schema.required[0], 'name');
  });
});
