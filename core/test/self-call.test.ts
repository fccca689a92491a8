import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callSelf, routeInfo } from '../src/http/self-call.ts';

describe('ctx.routes.call / catalog (core/src/http/self-call.ts)', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method?: string; url?: string; authorization?: string; tenant?: string; body: string }> = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, tenant: req.headers['x-tenant-id'] as string | undefined, body });
        res.writeHead(req.url?.startsWith('/api/v1/missing') ? 404 : 200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(req.url?.startsWith('/api/v1/missing') ? { error: 'Not found' } : { data: { ok: true } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('forwards the caller\'s authorization, act-as tenant, query and JSON body, and answers status and parsed body', async () => {
    const res = await callSelf(url, { method: 'POST', path: '/api/v1/services/abc/suspend', query: { page: 2, q: 'a b' }, body: { reason: 'x' }, authorization: 'Bearer T', actAsTenant: 'tid' });
    assert.deepEqual(res, { status: 200, body: { data: { ok: true } } });
    assert.deepEqual(seen.at(-1), { method: 'POST', url: '/api/v1/services/abc/suspend?page=2&q=a+b', authorization: 'Bearer T', tenant: 'tid', body: '{"reason":"x"}' });
    const missing = await callSelf(url, { method: 'GET', path: '/api/v1/missing/1', body: { ignored: true }, authorization: 'Bearer T' });
    assert.deepEqual(missing, { status: 404, body: { error: 'Not found' } });
    assert.equal(seen.at(-1)!.body, '', 'a GET sends no body');
  });

  it('refuses a path outside the API and a process that serves no HTTP', async () => {
    await assert.rejects(callSelf(url, { method: 'GET', path: '/admin/', authorization: 'Bearer T' }), /not an API path/);
    await assert.rejects(callSelf(url, { method: 'GET', path: 'http://evil.test/api/v1/x', authorization: 'Bearer T' }), /not an API path/);
    await assert.rejects(callSelf(undefined, { method: 'GET', path: '/api/v1/x', authorization: 'Bearer T' }), /not serving HTTP/);
  });

  it('describes a route as data without its handler', () => {
    const info = routeInfo({ owner: 'billing', method: 'GET', path: '/api/v1/invoices/:id', permission: 'invoices.read', summary: 'One', schema: { params: { type: 'object' } }, handler: () => ({}) });
    assert.deepEqual(info, { method: 'GET', path: '/api/v1/invoices/:id', owner: 'billing', permission: 'invoices.read', public: false, scope: undefined, summary: 'One', schema: { params: { type: 'object' } } });
    assert.ok(!('handler' in info));
  });
});
