import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisioningError, type OperationStep, type ProvisioningCall } from '@mpanel/sdk';
import { callFor } from '@mpanel/sdk/testing';
import { FakeWhmServer } from '../../../test/fakes/whm/server.ts';
import { createCpanelModule } from '../src/module.ts';
import { codeOfReason } from '../src/reasons.ts';
import { whmCall } from './support.ts';

const module = createCpanelModule();

async function failure(p: Promise<unknown>): Promise<ProvisioningError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ProvisioningError, `expected a ProvisioningError, got ${String(err)}`);
    return err;
  }
  return assert.fail('expected the call to fail');
}

/** Every failure of issue 19 the WHM fake can inject, and what the module makes of it. */
describe('provisioning-cpanel: the module against the WHM fake, with faults', () => {
  const whm = new FakeWhmServer();
  before(async () => {
    await whm.start();
    whm.state.addPackage('basic', { QUOTA: 1000, BWLIMIT: 2048 });
    whm.state.addPackage('gold', { QUOTA: 5000 });
  });
  after(() => whm.stop());

  const created = async (opts: Parameters<typeof whmCall>[1] = {}): Promise<ProvisioningCall> => {
    const call = whmCall(whm, opts);
    await module.create(call);
    return call;
  };
  const acct = (call: ProvisioningCall) => whm.state.accounts.get(call.account.username!);

  it('creates with the plan\'s remote package, a generated password, and logs the call without the password', async () => {
    const steps: OperationStep[] = [];
    const call = callFor(whmCall(whm), 'create', steps);
    const result = await module.create(call);
    assert.equal(result.ok, true);
    assert.equal(acct(call)?.plan, 'basic');
    assert.ok(result.password && result.password.length >= 20);
    assert.equal(acct(call)?.password, result.password);
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.name, 'whm createacct');
    assert.equal((steps[0]!.request as Record<string, string>).password, '***');
    assert.doesNotMatch(JSON.stringify(steps), new RegExp(result.password));
  });

  it('a server whose address the platform may not reach (the guard refuses it) fails as INVALID_INPUT before any request', async () => {
    const guarded = createCpanelModule({ guard: async (host) => { throw new Error(`${host} is a loopback address`); } });
    const before = whm.count();
    const err = await failure(guarded.create(whmCall(whm)));
    assert.equal(err.code, 'INVALID_INPUT');
    assert.match(err.message, /may not connect to \(127\.0\.0\.1 is a loopback address\)/);
    assert.equal(whm.count(), before, 'no request reached the server');
  });

  it('a 500 after WHM applied a suspend is ambiguous; observe shows it applied and a retry converges', async () => {
    const call = await created();
    whm.inject({ kind: 'errorAfterApply' }, 'suspendacct');
    const err = await failure(module.suspend(callFor(call, 'suspend'), 'overdue'));
    assert.equal(err.code, 'REMOTE_UNAVAILABLE');
    assert.equal(err.ambiguous, true);
    assert.equal(err.retryable, true);
    assert.equal((await module.observe(callFor(call, 'reconcile'))).status, 'suspended');
    assert.equal((await module.suspend(callFor(call, 'suspend'), 'overdue')).ok, true);
  });

  it('a timeout on terminate after applying is ambiguous, and the retry converges on "gone"', async () => {
    const call = await created();
    whm.inject({ kind: 'timeoutAfterApply' }, 'removeacct');
    const err = await failure(module.terminate(callFor(call, 'terminate')));
    assert.equal(err.code, 'TIMEOUT');
    assert.equal(err.ambiguous, true);
    assert.equal(acct(call), undefined);
    assert.equal((await module.terminate(callFor(call, 'terminate'))).ok, true);
  });

  it('a slow read past the timeout is a TIMEOUT but not ambiguous; a slow answer inside it succeeds', async () => {
    const call = await created();
    whm.inject({ kind: 'slow', ms: 2500 }, 'accountsummary');
    const err = await failure(module.observe(callFor(call, 'reconcile')));
    assert.equal(err.code, 'TIMEOUT');
    assert.equal(err.ambiguous, false);
    assert.equal(err.retryable, true);
    whm.inject({ kind: 'slow', ms: 300 }, 'accountsummary');
    assert.equal((await module.observe(callFor(call, 'reconcile'))).status, 'active');
  });

  it('rate limiting (HTTP 429) is RATE_LIMITED, retryable after WHM\'s Retry-After, nothing applied', async () => {
    const call = whmCall(whm);
    whm.inject({ kind: 'rateLimit', retryAfterSeconds: 9 }, 'createacct');
    const err = await failure(module.create(call));
    assert.equal(err.code, 'RATE_LIMITED');
    assert.equal(err.retryable, true);
    assert.equal(err.opts.retryAfterMs, 9000);
    assert.equal(acct(call), undefined);
  });

  it('a rate limit WHM reports in its own envelope is RATE_LIMITED and retryable too', async () => {
    const call = whmCall(whm);
    whm.inject({ kind: 'whmRateLimit' }, 'createacct');
    const err = await failure(module.create(call));
    assert.equal(err.code, 'RATE_LIMITED');
    assert.equal(err.retryable, true);
    assert.equal(acct(call), undefined);
  });

  it('a 503 before applying is REMOTE_UNAVAILABLE and retryable', async () => {
    const call = whmCall(whm);
    whm.inject({ kind: 'unavailable' }, 'createacct');
    const err = await failure(module.create(call));
    assert.equal(err.code, 'REMOTE_UNAVAILABLE');
    assert.equal(err.retryable, true);
  });

  it('a refused token is AUTH for every call, with one request each', async () => {
    const call = await created();
    const bad = { ...call, server: { ...call.server, credentials: { ...call.server.credentials, token: 'REVOKED' } } };
    for (const run of [() => module.observe(bad), () => module.suspend(bad), () => module.terminate(bad), () => module.listAccounts!(bad)]) {
      const before = whm.count();
      const err = await failure(run());
      assert.equal(err.code, 'AUTH');
      assert.equal(err.retryable, false);
      assert.match(err.message, /API token/);
      assert.equal(whm.count() - before, 1);
    }
    const test = await module.testConnection(bad);
    assert.equal(test.ok, false);
    assert.match(test.message!, /refused the API token/);
  });

  it('a closed port is UNREACHABLE, retryable and not ambiguous', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const call = whmCall(whm);
    const err = await failure(module.create({ ...call, server: { ...call.server, port } }));
    assert.equal(err.code, 'UNREACHABLE');
    assert.equal(err.ambiguous, false);
    assert.equal(err.retryable, true);
  });

  it('a username taken by another domain, or a domain taken by another user, is a CONFLICT (not converged)', async () => {
    const other = await created();
    const sameUser = whmCall(whm);
    sameUser.account.username = other.account.username;
    const e1 = await failure(module.create(sameUser));
    assert.equal(e1.code, 'CONFLICT');
    assert.equal(e1.retryable, false);
    assert.match(e1.message, new RegExp(`taken .* ${other.account.domain!.replace('.', '\\.')}`));
    const sameDomain = whmCall(whm, { domain: other.account.domain! });
    const e2 = await failure(module.create(sameDomain));
    assert.equal(e2.code, 'CONFLICT');
    assert.equal(acct(sameDomain), undefined);
  });

  it('a missing package on create names the package and says what to do; on changePackage too', async () => {
    const err = await failure(module.create(whmCall(whm, { package: 'diamond' })));
    assert.equal(err.code, 'INVALID_PACKAGE');
    assert.match(err.message, /Package 'diamond' does not exist on web1: create it in WHM/);
    const call = await created();
    const err2 = await failure(module.changePackage({ ...call, plan: { ...call.plan!, remotePackage: 'diamond' } }));
    assert.equal(err2.code, 'INVALID_PACKAGE');
    assert.equal(acct(call)?.plan, 'basic');
  });

  it('changes package (twice converges), changes the password, refuses to suspend an account that does not exist', async () => {
    const call = await created();
    const gold = { ...call, plan: { ...call.plan!, remotePackage: 'gold' } };
    assert.equal((await module.changePackage(gold)).ok, true);
    assert.equal((await module.changePackage(gold)).ok, true);
    assert.equal((await module.observe(gold)).packageName, 'gold');
    await module.changePassword!(call, 'N3w-Password-x');
    assert.equal(acct(call)?.password, 'N3w-Password-x');
    const ghost = whmCall(whm);
    const err = await failure(module.suspend(ghost));
    assert.equal(err.code, 'NOT_FOUND');
  });

  it('lists accounts, packages and usage as the platform expects them', async () => {
    const call = await created();
    const a = acct(call)!;
    a.diskUsedMb = 42;
    a.bandwidthBytes = 3 * 1024 * 1024;
    const listed = (await module.listAccounts!(call)).find((r) => r.username === a.user);
    assert.deepEqual({ ...listed, createdAt: undefined }, { username: a.user, domain: a.domain, status: 'active', packageName: 'basic', diskUsedMb: 42, createdAt: undefined });
    const pkgs = await module.listPackages!(call);
    assert.deepEqual(pkgs.map((p) => p.id).sort(), ['basic', 'default', 'gold']);
    const usage = (await module.usage!(call)).find((u) => u.username === a.user)!.usage;
    assert.deepEqual(usage, { diskUsedMb: 42, diskLimitMb: 1000, bandwidthUsedMb: 3, bandwidthLimitMb: 2048 });
    const seen = await module.observe(call);
    assert.deepEqual(seen.usage, { diskUsedMb: 42, diskLimitMb: 1000 });
  });

  it('single sign-on: the client lands in cPanel as the account, staff in WHM as the token user', async () => {
    const call = await created();
    const client = await module.sso!(call, 'client');
    assert.ok(client.expiresAt && Date.parse(client.expiresAt) > Date.now());
    assert.match(await (await fetch(client.url)).text(), new RegExp(`cPanel: logged in as ${call.account.username!}`));
    const staff = await module.sso!(call, 'admin');
    assert.match(await (await fetch(staff.url)).text(), /WHM: logged in as root/);
    const err = await failure(module.sso!(whmCall(whm), 'client'));
    assert.equal(err.code, 'NOT_FOUND');
  });

  it('test connection reports the WHM version and the packages', async () => {
    const result = await module.testConnection(whmCall(whm));
    assert.equal(result.ok, true);
    assert.equal(result.version, whm.version);
    assert.match(result.message!, /3 package/);
  });

  it('maps WHM reasons to codes', () => {
    assert.equal(codeOfReason('Sorry, a passwd entry for “bob” already exists.'), 'ALREADY_EXISTS');
    assert.equal(codeOfReason('The domain “a.test” already exists in the userdata.'), 'CONFLICT');
    assert.equal(codeOfReason('Specified package “x” does not exist.'), 'INVALID_PACKAGE');
    assert.equal(codeOfReason('System user bob does not exist!'), 'NOT_FOUND');
    assert.equal(codeOfReason('Your license only allows 5 accounts'), 'CAPACITY');
    assert.equal(codeOfReason('API rate limit exceeded'), 'RATE_LIMITED');
    assert.equal(codeOfReason('Something odd happened'), 'REMOTE_ERROR');
  });

  describe('TLS (WHM over HTTPS with a self-signed certificate)', () => {
    const tls = new FakeWhmServer();
    let dir: string;
    let cert: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'whm-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=web1.test',
        '-addext', 'subjectAltName=DNS:web1.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      await tls.start(0, { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert });
    });
    after(async () => {
      await tls.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const over = (credentials: Record<string, string>) => {
      const call = whmCall(tls);
      return { ...call, server: { ...call.server, credentials: { username: 'root', token: tls.token, ...credentials } } };
    };

    it('verifies by default: a self-signed certificate is refused with what to do', async () => {
      const result = await module.testConnection(over({}));
      assert.equal(result.ok, false);
      assert.match(result.message!, /not trusted .*CA or SHA-256 fingerprint/);
      assert.equal(tls.count(), 0, 'nothing was sent');
    });

    it('trusts it with its CA, its pinned fingerprint, or the insecure flag; a wrong pin is refused', async () => {
      assert.equal((await module.testConnection(over({ caPem: cert }))).ok, true);
      const fingerprint = new X509Certificate(cert).fingerprint256;
      assert.equal((await module.testConnection(over({ fingerprint: fingerprint.toLowerCase() }))).ok, true);
      assert.equal((await module.testConnection(over({ tlsInsecure: 'true' }))).ok, true);
      const wrong = await module.testConnection(over({ fingerprint: 'AB'.repeat(32) }));
      assert.equal(wrong.ok, false);
      assert.match(wrong.message!, /fingerprint/);
    });
  });
});
