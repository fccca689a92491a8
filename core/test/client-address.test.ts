import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { clientAddress } from '../src/http/middleware/client-address.ts';

/** What a bare app with clientAddress(trust) takes for the client of a request with that X-Forwarded-For. */
async function clientOf(trust: number | string[], forwardedFor?: string): Promise<string> {
  const app = new Koa();
  app.use(clientAddress(trust));
  app.use((ctx) => {
    ctx.body = ctx.ip;
  });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    return await res.text();
  } finally {
    server.close();
  }
}

describe('client address (TRUST_PROXY)', () => {
  it('ignores X-Forwarded-For without trusted proxies', async () => {
    assert.equal(await clientOf(0, '6.6.6.6'), '127.0.0.1');
  });

  it('with a hop count, walks that many proxies from the right', async () => {
    assert.equal(await clientOf(1, '6.6.6.6, 203.0.113.5'), '203.0.113.5');
    assert.equal(await clientOf(2, '6.6.6.6, 203.0.113.5, 10.0.0.2'), '203.0.113.5');
    assert.equal(await clientOf(5, '203.0.113.5'), '203.0.113.5', 'fewer entries than hops: the left-most is all there is');
  });

  it('with a list, takes the right-most address that is not a listed proxy', async () => {
    assert.equal(await clientOf(['loopback', '10.0.0.0/8'], '6.6.6.6, 203.0.113.5, 10.1.2.3'), '203.0.113.5');
    assert.equal(await clientOf(['10.0.0.0/8'], '6.6.6.6'), '127.0.0.1', 'the socket peer is no listed proxy');
  });
});
