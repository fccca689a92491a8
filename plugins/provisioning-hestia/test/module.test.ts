import assert from 'node:assert/strict';
import type { OperationStep, ProvisioningCall, ProvisioningError } from '@mpanel/sdk';
import { callFor } from '@mpanel/sdk/testing';
import { FakeHestiaServer } from '../../../test/fakes/hestia/server.ts';
import { createHestiaModule, ownerMarkOf } from '../src/module.ts';
import { accountCall, serverCall } from './support/calls.ts';

async function failure(p: Promise<unknown>): Promise<ProvisioningError> {
  try {
    await p;
  } catch (err) {
    assert.equal((err as Error).name, 'ProvisioningError', String(err));
    return err as ProvisioningError;
  }
  return assert.fail('expected a ProvisioningError');
}

/** Each fault the Hestia fake injects, and each exit code, as what the platform sees. */
describe('provisioning-hestia: faults and exit codes', () => {
  let fake: FakeHestiaServer;
  const module = createHestiaModule();
  const as = (call: ProvisioningCall, action: Parameters<typeof callFor>[1], steps?: OperationStep[]) => callFor(call, action, steps);

  beforeEach(async () => {
    fake = await new FakeHestiaServer().start();
  });
  afterEach(() => fake.close());

  it('creates the user with its first web domain, the owner mark and the package; observe reads it back', async () => {
    const call = accountCall(fake);
    const result = await module.create(as(call, 'create'));
    assert.equal(result.username, call.account.username);
    const u = fake.state.users.get(call.account.username!)!;
    assert.equal(u.contact, `${call.account.username}@client.example`);
    assert.equal(u.fullName, `mPanel ${ownerMarkOf(call.account.serviceId)}`);
    assert.deepEqual([...u.domains.keys()], [call.account.domain]);
    const seen = await module.observe(as(call, 'reconcile'));
    assert.deepEqual([seen.exists, seen.status, seen.packageName], [true, 'active', 'default']);
  });

  it('500 after applying a suspend is ambiguous and retryable; observe shows it applied; the retry meets E_SUSPENDED and succeeds', async () => {
    const call = accountCall(fake);
    await module.create(as(call, 'create'));
    fake.inject({ kind: 'applyThen500', cmd: 'v-suspend-user' });
    const err = await failure(module.suspend(as(call, 'suspend')));
    assert.deepEqual([err.code, err.ambiguous, err.retryable], ['REMOTE_UNAVAILABLE', true, true]);
    assert.equal((await module.observe(as(call, 'reconcile'))).status, 'suspended');
    assert.equal((await module.suspend(as(call, 'suspend'))).ok, true);
  });

  it('a timeout after applying a create: the retry converges on one user with one web domain', async () => {
    const call = { ...accountCall(fake), settings: { timeoutSeconds: 1 } };
    fake.inject({ kind: 'applyThenHang', ms: 2500, cmd: 'v-add-user' });
    const err = await failure(module.create(as(call, 'create')));
    assert.deepEqual([err.code, err.ambiguous], ['TIMEOUT', true]);
    assert.ok(/checked before any retry/.test(err.message), err.message);
    assert.equal((await module.create(as(call, 'create'))).ok, true);
    assert.equal(fake.state.users.size, 1);
    assert.equal(fake.state.users.get(call.account.username!)!.domains.size, 1);
  });

  it('a slow answer within the timeout succeeds; beyond it, a listing times out without being ambiguous', async () => {
    const call = { ...accountCall(fake), settings: { timeoutSeconds: 1 } };
    fake.inject({ kind: 'slow', ms: 400, cmd: 'v-add-user' });
    assert.equal((await module.create(as(call, 'create'))).ok, true);
    fake.inject({ kind: 'slow', ms: 2500, cmd: 'v-list-user' });
    const err = await failure(module.observe(as(call, 'reconcile')));
    assert.deepEqual([err.code, err.ambiguous, err.retryable], ['TIMEOUT', false, true]);
  });

  it('a rate limit is RATE_LIMITED with Retry-After, nothing applied', async () => {
    const call = accountCall(fake);
    fake.inject({ kind: 'rateLimit', retryAfterSeconds: 4 });
    const err = await failure(module.create(as(call, 'create')));
    assert.deepEqual([err.code, err.retryable, err.ambiguous, err.opts.retryAfterMs], ['RATE_LIMITED', true, false, 4000]);
    assert.equal(fake.state.users.size, 0);
  });

  it('wrong credentials: AUTH on every call, and the connection test says so', async () => {
    const call = accountCall(fake, { wrongSecret: true });
    for (const p of [module.suspend(as(call, 'suspend')), module.observe(as(call, 'reconcile')), module.listAccounts!(call)]) {
      const err = await failure(p);
      assert.deepEqual([err.code, err.retryable], ['AUTH', false]);
    }
    const test = await module.testConnection(serverCall(fake, { wrongSecret: true }));
    assert.equal(test.ok, false);
    assert.match(test.message!, /refused the credentials/);
  });

  it('a server that does not listen is UNREACHABLE and not ambiguous', async () => {
    const call = accountCall(fake);
    await fake.close();
    const err = await failure(module.create(as(call, 'create')));
    assert.deepEqual([err.code, err.ambiguous, err.retryable], ['UNREACHABLE', false, true]);
  });

  it("another owner's user with the same name is ALREADY_EXISTS, not converged", async () => {
    const call = accountCall(fake);
    fake.state.seedUser(call.account.username!, { contact: 'someone@else.example' });
    const err = await failure(module.create(as(call, 'create')));
    assert.deepEqual([err.code, err.retryable], ['ALREADY_EXISTS', false]);
    assert.match(err.message, /import that account/);
    assert.equal(fake.state.users.get(call.account.username!)!.contact, 'someone@else.example', 'untouched');
  });

  it("E_LIMIT (the package allows no web domain) is CAPACITY with what to do", async () => {
    fake.state.addPackage('nosite', { WEB_DOMAINS: '0' });
    const err = await failure(module.create(as(accountCall(fake, { package: 'nosite' }), 'create')));
    assert.equal(err.code, 'CAPACITY');
    assert.match(err.message, /E_LIMIT.*raise the package/);
  });

  it('a domain held by another Hestia user is a CONFLICT', async () => {
    fake.state.seedUser('otheruser', { contact: 'o@example.com', domain: 'taken.example.com' });
    const err = await failure(module.create(as(accountCall(fake, { domain: 'taken.example.com' }), 'create')));
    assert.equal(err.code, 'CONFLICT');
  });

  it('changePackage: a missing package is INVALID_PACKAGE, a missing user NOT_FOUND, an existing package applies', async () => {
    fake.state.addPackage('gold');
    const call = accountCall(fake);
    await module.create(as(call, 'create'));
    const bad = await failure(module.changePackage({ ...as(call, 'changePackage'), account: { ...call.account, packageConfig: { package: 'platinum' } } }));
    assert.equal(bad.code, 'INVALID_PACKAGE');
    assert.match(bad.message, /'platinum'/);
    await module.changePackage({ ...as(call, 'changePackage'), account: { ...call.account, packageConfig: { package: 'gold' } } });
    assert.equal((await module.observe(as(call, 'reconcile'))).packageName, 'gold');
    const gone = await failure(module.changePackage(as(accountCall(fake), 'changePackage')));
    assert.equal(gone.code, 'NOT_FOUND');
  });

  it('changePassword: a weak password is INVALID_INPUT; no step shows a password', async () => {
    const steps: OperationStep[] = [];
    const call = accountCall(fake);
    await module.create(as(call, 'create', steps));
    const err = await failure(module.changePassword!(as(call, 'changePassword', steps), 'short'));
    assert.equal(err.code, 'INVALID_INPUT');
    await module.changePassword!(as(call, 'changePassword', steps), 'An0ther-long-one');
    assert.equal(fake.state.users.get(call.account.username!)!.password, 'An0ther-long-one');
    const logged = JSON.stringify(steps);
    assert.ok(steps.length >= 3);
    for (const secret of ['Str0ng-enough-pass', 'An0ther-long-one', fake.keys.secretKey]) assert.ok(!logged.includes(secret), `${secret} leaked into steps`);
  });

  it('lists accounts (with domain, e-mail, status, package), packages and usage; tests the connection', async () => {
    fake.state.addPackage('gold', { DISK_QUOTA: '5000' });
    fake.state.seedUser('alice', { contact: 'alice@example.com', domain: 'alice.example', package: 'gold' });
    fake.state.seedUser('bob', { contact: 'bob@example.com', suspended: true });
    const server = serverCall(fake);
    const accounts = await module.listAccounts!(server);
    assert.deepEqual(accounts.map((a) => [a.username, a.domain, a.email, a.status, a.packageName]), [
      ['alice', 'alice.example', 'alice@example.com', 'active', 'gold'], ['bob', undefined, 'bob@example.com', 'suspended', 'default'],
    ]);
    assert.deepEqual((await module.listPackages!(server)).map((p) => p.id).sort(), ['default', 'gold']);
    const usage = await module.usage!(server);
    assert.deepEqual(usage.find((u) => u.username === 'alice')!.usage.diskLimitMb, 5000);
    const test = await module.testConnection(server);
    assert.deepEqual([test.ok, test.version], [true, '1.8.11']);
  });
});

describe('provisioning-hestia: the private-address guard', () => {
  it('refuses a server on a private address before sending anything (INVALID_INPUT, not retried)', async () => {
    const fake = await new FakeHestiaServer().start();
    try {
      const guarded = createHestiaModule({ guard: async (host) => { throw new Error(`${host} is a private address`); } });
      const call = accountCall(fake);
      const err = await failure(guarded.create(callFor(call, 'create')));
      assert.deepEqual([err.code, err.retryable], ['INVALID_INPUT', false]);
      assert.equal(fake.requests.length, 0);
    } finally {
      await fake.close();
    }
  });
});
