import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../src/testing/test-server.ts';
import { TEST_ADMIN } from '../../src/testing/auth.ts';

const BURST = 100;
/** Where the right password sits in the burst: well after the first five guesses. */
const RIGHT_AT = 60;

/** Fires `BURST` logins at once, the right password at RIGHT_AT when given. */
async function burst(server: TestServer, email: string, right?: string) {
  return Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      server.request('POST', '/api/v1/auth/login', { body: { email, password: i === RIGHT_AT && right ? right : `wrong-guess-number-${i}` } }),
    ),
  );
}

describe('login lockout under a burst of parallel guesses', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.close());

  it('checks at most five passwords of an account and refuses the right one inside the burst', async function () {
    this.timeout(120_000);
    const answers = await burst(server, TEST_ADMIN.email, TEST_ADMIN.password);
    const user = await server.knex('users').whereRaw('lower(email) = ?', [TEST_ADMIN.email]).first();

    // Every password check that failed wrote one audit entry: exactly the five the lock allows.
    const checked = await server.knex('audit_logs').where({ action: 'auth.login_failed', target_id: user.id }).count<{ count: string }[]>('* as count');
    assert.equal(Number(checked[0]!.count), 5);
    assert.equal(answers.filter((a) => a.status === 401).length, 5);
    assert.equal(answers.filter((a) => a.status === 429).length, BURST - 5);
    assert.equal(answers[RIGHT_AT]!.status, 429, 'the right password inside the burst does not log in');
    assert.ok(Number(answers[RIGHT_AT]!.headers.get('retry-after')) > 0);
    assert.ok(new Date(user.locked_until).getTime() > Date.now(), 'the account is locked');
    assert.equal(user.lockouts, 1);
    assert.equal(await server.knex('sessions').where({ user_id: user.id }).count<{ count: string }[]>('* as count').then((r) => Number(r[0]!.count)), 0);
  });

  it('treats an unknown email the same way', async function () {
    this.timeout(120_000);
    const answers = await burst(server, 'ghost@example.test');
    assert.equal(answers.filter((a) => a.status === 401).length, 5);
    assert.equal(answers.filter((a) => a.status === 429).length, BURST - 5);
    const checked = await server.knex('audit_logs').where({ action: 'auth.login_failed', actor_email: 'ghost@example.test' }).count<{ count: string }[]>('* as count');
    assert.equal(Number(checked[0]!.count), 5);
  });
});
