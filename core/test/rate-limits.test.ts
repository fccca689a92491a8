import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../src/testing/test-server.ts';
import { TEST_ADMIN } from '../src/testing/auth.ts';

/**
 * The server sits behind a proxy on loopback (the test client), so each request names its client
 * address in X-Forwarded-For: that is how one test plays many clients.
 */
describe('rate limits and client addresses behind a trusted proxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: 'loopback', RATE_LIMIT_STRICT: '3', RATE_LIMIT_PRINCIPAL: '5', RATE_LIMIT_IP: '8' } });
  });
  after(() => server?.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('takes the right-most untrusted X-Forwarded-For entry as the client, never the left-most', async () => {
    const res = await server.request('POST', '/api/v1/auth/login', {
      body: { email: TEST_ADMIN.email, password: 'not-the-password' },
      headers: from('6.6.6.6, 198.51.100.77, 127.0.0.1'),
    });
    assert.equal(res.status, 401);
    const entry = await server.knex('audit_logs').where({ action: 'auth.login_failed' }).orderBy('created_at', 'desc').first();
    assert.equal(entry.ip, '198.51.100.77');
  });

  it('answers 429 with Retry-After and RateLimit-* headers once an IP has spent its login budget', async () => {
    const attempt = (ip: string) =>
      server.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.test', password: 'whatever-it-is' }, headers: from(ip) });
    for (let i = 0; i < 3; i++) {
      const res = await attempt('203.0.113.7');
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('ratelimit-limit'), '3');
      assert.equal(res.headers.get('ratelimit-remaining'), String(2 - i));
    }
    // A client that writes its own X-Forwarded-For is still counted by the address the proxy saw.
    const refused = await attempt('10.9.9.9, 203.0.113.7');
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, { error: 'Too many requests' });
    assert.ok(Number(refused.headers.get('retry-after')) >= 1 && Number(refused.headers.get('retry-after')) <= 60);
    assert.equal(refused.headers.get('ratelimit-limit'), '3');
    assert.equal(refused.headers.get('ratelimit-remaining'), '0');
    assert.ok(Number(refused.headers.get('ratelimit-reset')) >= 1);
    assert.equal((await attempt('203.0.113.8')).status, 401, 'another address has its own budget');
  });

  it('limits a principal whatever address it comes from', async () => {
    const login = await server.request('POST', '/api/v1/auth/login', { body: TEST_ADMIN, headers: from('198.51.100.1') });
    assert.equal(login.status, 200);
    const token = login.body.data.accessToken as string;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await server.request('GET', '/api/v1/auth/me', { token, headers: from(`192.0.2.${i + 1}`) })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
  });

  it('limits every API request per IP, found or not, in parallel too', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => server.request('GET', '/api/v1/no-such-thing', { headers: from('192.0.2.200') })));
    assert.equal(answers.filter((a) => a.status === 404).length, 8);
    assert.equal(answers.filter((a) => a.status === 429).length, 12);
    assert.equal((await server.request('GET', '/api/health', { headers: from('192.0.2.200') })).status, 200, 'health checks are not limited');
  });
});
