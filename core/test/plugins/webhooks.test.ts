import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { superAdminToken } from '../../src/testing/auth.ts';
import { verifySignature } from '../../src/webhooks/signature.ts';
import { assertWebhookUrl } from '../../src/webhooks/ssrf-guard.ts';
import { postJson } from '../../src/webhooks/http-post.ts';
import { waitFor } from './wait.ts';

const BASIC = fileURLToPath(new URL('../fixtures/plugins/basic', import.meta.url));

interface Received {
  body: string;
  signature: string;
  event: string;
}

describe('outgoing webhooks', function () {
  this.timeout(60_000);
  let server: TestServer;
  let token: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let failuresLeft = 2;

  before(async () => {
    // A real receiver that refuses the first two attempts.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['mpanel-signature']), event: String(req.headers['mpanel-event']) });
        res.statusCode = failuresLeft-- > 0 ? 503 : 200;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    server = await startTestServer({ env: { MPANEL_ALLOW_PRIVATE_WEBHOOKS: 'true' }, plugins: { directories: [BASIC], timeouts: { boot: 300 }, webhookRetryBaseMs: 50 } });
    token = await superAdminToken(server);
  });
  after(async () => {
    await server?.close();
    receiver?.close();
  });

  it('signs deliveries verifiably, retries failures and logs every attempt', async () => {
    const created = await server.request('POST', '/api/v1/webhooks', { token, body: { url: receiverUrl, events: ['alpha.saved'] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, secret } = created.body.data as { id: string; secret: string };
    assert.match(secret, /^whsec_/);
    assert.equal((await server.request('GET', `/api/v1/webhooks/${id}`, { token })).body.data.secret, undefined);

    const item = await server.request('POST', '/api/v1/alpha/items', { token, body: { name: 'hooked' } });
    assert.equal(item.status, 201);
    const delivery = await waitFor(async () => {
      const res = await server.request('GET', `/api/v1/webhooks/${id}/deliveries`, { token });
      return res.body.data.find((d: { status: string }) => d.status === 'succeeded');
    });
    assert.equal(delivery.attempts, 3);
    assert.equal(delivery.responseStatus, 200);
    assert.equal(received.length, 3);
    for (const r of received) {
      assert.equal(r.event, 'alpha.saved');
      assert.ok(verifySignature(secret, r.body, r.signature), 'signature verifies with the secret');
      assert.ok(!verifySignature('whsec_wrong', r.body, r.signature));
    }
    const payload = JSON.parse(received[2]!.body);
    assert.deepEqual([payload.id, payload.type, payload.data.itemId], [item.body.data.eventId, 'alpha.saved', item.body.data.id]);

    const redeliver = await server.request('POST', `/api/v1/webhooks/${id}/deliveries/${delivery.id}/redeliver`, { token });
    assert.equal(redeliver.status, 200);
    await waitFor(async () => received.length === 4);
  });

  it('refuses private and loopback targets unless configured', async () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x', 'http://10.0.0.8/x']) {
      await assert.rejects(assertWebhookUrl(url, false), (err: { status: number; details: { url: string } }) => err.status === 400 && /private or loopback/.test(err.details.url), url);
    }
    await assert.rejects(assertWebhookUrl('file:///etc/passwd', false), (err: { details: { url: string } }) => err.details.url === 'must be http or https');
    await assert.doesNotReject(assertWebhookUrl('http://127.0.0.1:9/x', true));
    // At delivery time too: the connection itself is refused (DNS rebinding).
    await assert.rejects(postJson(receiverUrl, '{}', {}, false), /Refusing to connect to private address 127\.0\.0\.1/);
  });
});
