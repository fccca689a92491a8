import assert from 'node:assert/strict';
import { E, FakeHestiaServer } from './server.ts';

/** The fake answers the documented examples (hestiacp-docs rest_api, docs/reference/api.md) the way Hestia does. */
describe('fake HestiaCP API', () => {
  let fake: FakeHestiaServer;
  const hash = () => `${fake.keys.accessKey}:${fake.keys.secretKey}`;
  const api = async (fields: Record<string, string>) => {
    const res = await fetch(`${fake.url}/api/`, { method: 'POST', body: new URLSearchParams(fields) });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  };
  const code = async (cmd: string, ...args: string[]) => {
    const fields: Record<string, string> = { hash: hash(), returncode: 'yes', cmd };
    args.forEach((a, i) => (fields[`arg${i + 1}`] = a));
    return Number((await api(fields)).text);
  };

  beforeEach(async () => {
    fake = await new FakeHestiaServer().start();
  });
  afterEach(() => fake.close());

  it('creates a user like the documented v-add-user example (user/password login, returncode=yes answers 0)', async () => {
    const res = await api({ user: 'admin', password: 'admin-pass', returncode: 'yes', cmd: 'v-add-user', arg1: 'demo', arg2: 'd3m0p4ssw0rd', arg3: 'demo@gmail.com', arg4: 'default', arg5: 'Rust', arg6: 'Cohle' });
    assert.deepEqual([res.status, res.text], [200, '0']);
    const listed = await api({ hash: hash(), cmd: 'v-list-user', arg1: 'demo', arg2: 'json' });
    assert.match(listed.type, /json/);
    const user = (JSON.parse(listed.text) as Record<string, Record<string, string>>).demo!;
    assert.equal(user.CONTACT, 'demo@gmail.com');
    assert.equal(user.PACKAGE, 'default');
    assert.equal(user.SUSPENDED, 'no');
    assert.equal(user.NAME, 'Rust Cohle');
  });

  it('answers the documented exit codes: exists 4, not found 3, suspended 5, unsuspended 6, limit 8, bad input 1/2', async () => {
    assert.equal(await code('v-add-user', 'demo', 'd3m0p4ssw0rd', 'demo@example.com'), E.OK);
    assert.equal(await code('v-add-user', 'demo', 'd3m0p4ssw0rd', 'demo@example.com'), E.EXISTS);
    assert.equal(await code('v-add-user', 'other', 'd3m0p4ssw0rd', 'o@example.com', 'gold'), E.NOTEXIST, 'unknown package');
    assert.equal(await code('v-add-user', '-bad-', 'd3m0p4ssw0rd', 'o@example.com'), E.INVALID);
    assert.equal(await code('v-add-user', 'other'), E.ARGS);
    assert.equal(await code('v-suspend-user', 'demo'), E.OK);
    assert.equal(await code('v-suspend-user', 'demo'), E.SUSPENDED);
    assert.equal(await code('v-unsuspend-user', 'demo'), E.OK);
    assert.equal(await code('v-unsuspend-user', 'demo'), E.UNSUSPENDED);
    assert.equal(await code('v-add-web-domain', 'demo', 'demo.example'), E.OK);
    assert.equal(await code('v-add-web-domain', 'demo', 'second.example'), E.LIMIT, 'the default package allows one web domain');
    assert.equal(await code('v-change-user-package', 'demo', 'gold'), E.NOTEXIST);
    assert.equal(await code('v-change-user-password', 'demo', 'n3w-p4ssw0rd'), E.OK);
    assert.equal(await code('v-delete-user', 'demo'), E.OK);
    assert.equal(await code('v-delete-user', 'demo'), E.NOTEXIST);
    assert.equal(fake.state.users.size, 0);
  });

  it('without returncode answers the output: JSON listings, "Error: ..." lines', async () => {
    fake.state.addPackage('gold', { WEB_DOMAINS: '10' });
    fake.state.seedUser('alice', { contact: 'alice@example.com', domain: 'alice.example', package: 'gold' });
    const users = JSON.parse((await api({ hash: hash(), cmd: 'v-list-users', arg1: 'admin', arg2: 'json' })).text) as Record<string, Record<string, string>>;
    assert.deepEqual(Object.keys(users), ['alice']);
    const pkgs = JSON.parse((await api({ hash: hash(), cmd: 'v-list-user-packages', arg1: 'json' })).text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(pkgs).sort(), ['default', 'gold']);
    const domains = JSON.parse((await api({ hash: hash(), cmd: 'v-list-web-domains', arg1: 'alice', arg2: 'json' })).text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(domains), ['alice.example']);
    assert.equal((await api({ hash: hash(), cmd: 'v-list-user', arg1: 'nobody1', arg2: 'json' })).text, "Error: user nobody1 doesn't exist");
  });

  it('refuses wrong credentials with 401 and E_PASSWORD, changing nothing', async () => {
    const res = await api({ hash: 'AK_FAKE_ADMIN:wrong', returncode: 'yes', cmd: 'v-add-user', arg1: 'demo', arg2: 'd3m0p4ssw0rd', arg3: 'd@example.com' });
    assert.deepEqual([res.status, res.text], [401, String(E.PASSWORD)]);
    assert.equal(fake.state.users.size, 0);
  });

  it('injects faults: applied then 500, applied then a late answer, slow, rate limited', async () => {
    fake.inject({ kind: 'applyThen500', cmd: 'v-add-user' });
    const fields = { hash: hash(), returncode: 'yes', cmd: 'v-add-user', arg1: 'demo', arg2: 'd3m0p4ssw0rd', arg3: 'd@example.com' };
    assert.equal((await api(fields)).status, 500);
    assert.ok(fake.state.users.has('demo'), 'the 500 came after the user was created');

    fake.inject({ kind: 'applyThenHang', ms: 5000 });
    await assert.rejects(fetch(`${fake.url}/api/`, { method: 'POST', body: new URLSearchParams({ ...fields, cmd: 'v-suspend-user', arg1: 'demo' }), signal: AbortSignal.timeout(300) }), /timeout|aborted/i);
    assert.equal(fake.state.users.get('demo')!.suspended, true, 'applied although the answer never came');

    fake.inject({ kind: 'slow', ms: 300 });
    const started = Date.now();
    assert.equal(await code('v-unsuspend-user', 'demo'), E.OK);
    assert.ok(Date.now() - started >= 280);

    fake.inject({ kind: 'rateLimit', retryAfterSeconds: 7 });
    const limited = await fetch(`${fake.url}/api/`, { method: 'POST', body: new URLSearchParams({ ...fields, cmd: 'v-delete-user', arg1: 'demo' }) });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.ok(fake.state.users.has('demo'), 'a rate-limited call changes nothing');
  });
});
