import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type {
  ProvisioningError} from '../extension-points/provisioning.ts';
import {
  type ObservedAccount,
  type OperationStep,
  type ProvisioningAction,
  type ProvisioningCall,
  type ProvisioningModule,
} from '../extension-points/provisioning.ts';

/**
 * The contract every `ProvisioningModule` keeps (HOSTING.md §5, §6.2), as a mocha suite a module's
 * own tests run against its backend (an in-memory fake, the agent on a lab server, a WHM or Hestia
 * fake). Each case answers one of the failures billing systems are known for: a create that is not
 * idempotent, a suspend that fails on a suspended account, a timeout that hides a created account,
 * a package mapping error that passes silently, a bad credential retried for hours.
 *
 * ```ts
 * provisioningContract({ name: 'memory', makeModule: () => module, makeCall: (v) => call(v), remote });
 * ```
 */

/** What the server really has for an account, read without going through the module under test. */
export interface RemoteTruth {
  exists: boolean;
  status?: 'active' | 'suspended';
}

/** The test's side door into the backend: reality, and faults to inject. */
export interface ProvisioningContractRemote {
  /** What the server has for this call's account (read directly, not through the module). */
  truth(call: ProvisioningCall): Promise<RemoteTruth>;
  /** How many accounts the server holds for this call's account (a duplicate makes it 2). */
  count(call: ProvisioningCall): Promise<number>;
  /** The module's next `create` reaches the server, is applied there, and then times out on the way back. */
  timeoutAfterApply(): void | Promise<void>;
  /** Requests the module sent to the server so far (to show that a failure is not retried inside the module). */
  requests?(): number;
}

/** A call for a fresh account; a variant with a package the server lacks, or credentials it refuses. */
export type ContractCallVariant = 'ok' | 'wrongPackage' | 'wrongCredentials';

export interface ProvisioningContractOptions {
  /** Shown in the suite's title. */
  name: string;
  makeModule(): ProvisioningModule | Promise<ProvisioningModule>;
  /** A call for a new account nobody created yet (its action is set by the suite). */
  makeCall(variant: ContractCallVariant): ProvisioningCall | Promise<ProvisioningCall>;
  remote: ProvisioningContractRemote;
  /** Per test (default 30 s): remote backends are slower than a fake. */
  timeoutMs?: number;
}

/** The call with a new operation for `action`, as the platform makes one per intent and try. */
export function callFor(call: ProvisioningCall, action: ProvisioningAction, steps: OperationStep[] = []): ProvisioningCall {
  const id = randomUUID();
  return {
    ...call,
    operation: {
      id, action, attempt: 1, idempotencyKey: `${call.account.serviceId}:${action}:${id}`, deadline: new Date(Date.now() + 120_000),
      step: (name, data) => void steps.push({ name, ...data }),
    },
  };
}

async function expectProvisioningError(p: Promise<unknown>, what: string): Promise<ProvisioningError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof Error && (err as { name?: string }).name === 'ProvisioningError', `${what}: expected a ProvisioningError, got ${String(err)}`);
    return err as ProvisioningError;
  }
  assert.fail(`${what}: expected a ProvisioningError, but the call succeeded`);
}

/** The mocha globals the suite uses, typed here so the SDK's package build needs no test-runner types. */
interface MochaGlobals {
  describe(title: string, fn: (this: { timeout(ms: number): void }) => void): void;
  it(title: string, fn: () => Promise<void>): void;
  beforeEach(fn: () => Promise<void>): void;
}

export function provisioningContract(options: ProvisioningContractOptions): void {
  const { describe, it, beforeEach } = globalThis as unknown as Partial<MochaGlobals>;
  if (typeof describe !== 'function' || typeof it !== 'function' || typeof beforeEach !== 'function') {
    throw new Error('provisioningContract() is a mocha suite: call it from a test file run by mocha');
  }
  const { remote } = options;
  describe(`ProvisioningModule contract: ${options.name}`, function () {
    this.timeout(options.timeoutMs ?? 30_000);
    let module: ProvisioningModule;
    beforeEach(async () => {
      module = await options.makeModule();
    });

    /** observe() must say what the server really has: checked after every step. */
    const agrees = async (call: ProvisioningCall, when: string): Promise<ObservedAccount> => {
      const [seen, truth] = await Promise.all([module.observe(callFor(call, 'reconcile')), remote.truth(call)]);
      assert.equal(seen.exists, truth.exists, `${when}: observe() says exists=${seen.exists}, the server ${truth.exists}`);
      if (truth.exists) assert.equal(seen.status, truth.status, `${when}: observe() says ${seen.status}, the server ${truth.status}`);
      return seen;
    };

    it('create twice converges on one active account', async () => {
      const call = await options.makeCall('ok');
      assert.equal((await agrees(call, 'before create')).exists, false);
      assert.equal((await module.create(callFor(call, 'create'))).ok, true);
      assert.equal((await agrees(call, 'after create')).status, 'active');
      assert.equal((await module.create(callFor(call, 'create'))).ok, true, 'a second create of the same account succeeds');
      assert.equal(await remote.count(call), 1);
      await agrees(call, 'after the second create');
    });

    it('suspending a suspended account succeeds; unsuspend and terminate converge too', async () => {
      const call = await options.makeCall('ok');
      await module.create(callFor(call, 'create'));
      await module.suspend(callFor(call, 'suspend'), 'overdue');
      assert.equal((await agrees(call, 'after suspend')).status, 'suspended');
      assert.equal((await module.suspend(callFor(call, 'suspend'), 'overdue')).ok, true, 'suspend of a suspended account succeeds');
      assert.equal((await agrees(call, 'after the second suspend')).status, 'suspended');
      await module.unsuspend(callFor(call, 'unsuspend'));
      assert.equal((await module.unsuspend(callFor(call, 'unsuspend'))).ok, true, 'unsuspend of an active account succeeds');
      assert.equal((await agrees(call, 'after unsuspend')).status, 'active');
      await module.terminate(callFor(call, 'terminate'));
      assert.equal((await module.terminate(callFor(call, 'terminate'))).ok, true, 'terminate of a removed account succeeds');
      assert.equal((await agrees(call, 'after terminate')).exists, false);
      assert.equal(await remote.count(call), 0);
    });

    it('a timeout after the server applied the create is ambiguous; observe finds the account, and there is one', async () => {
      const call = await options.makeCall('ok');
      await remote.timeoutAfterApply();
      const err = await expectProvisioningError(module.create(callFor(call, 'create')), 'create that timed out after applying');
      assert.equal(err.ambiguous, true, `a timeout after sending must be ambiguous (code ${err.code})`);
      // What the platform does before any retry: observe. The account is there, so nothing is retried.
      const seen = await agrees(call, 'after the ambiguous timeout');
      assert.equal(seen.exists, true);
      assert.equal(await remote.count(call), 1);
      // And a retry anyway (a platform without observe) still converges instead of failing with "already exists".
      await module.create(callFor(call, 'create'));
      assert.equal(await remote.count(call), 1);
      assert.equal((await agrees(call, 'after the retry')).status, 'active');
    });

    it('a package the server lacks fails as INVALID_PACKAGE with an actionable message, nothing created', async () => {
      const call = await options.makeCall('wrongPackage');
      const err = await expectProvisioningError(module.create(callFor(call, 'create')), 'create with a missing package');
      assert.equal(err.code, 'INVALID_PACKAGE');
      assert.equal(err.retryable, false, 'a missing package is not fixed by retrying');
      const pkg = call.plan?.remotePackage ?? call.account.packageConfig.package;
      if (typeof pkg === 'string') assert.ok(err.message.includes(pkg), `the message names the package: "${err.message}"`);
      assert.ok(err.message.length >= 20 && !/^error\s*\d*$/i.test(err.message), `the message says what to do: "${err.message}"`);
      assert.equal((await agrees(call, 'after the failed create')).exists, false);
    });

    it('credentials the server refuses fail as AUTH, not retryable, and are not retried inside the module', async () => {
      const call = await options.makeCall('wrongCredentials');
      const before = remote.requests?.();
      const err = await expectProvisioningError(module.create(callFor(call, 'create')), 'create with wrong credentials');
      assert.equal(err.code, 'AUTH');
      assert.equal(err.retryable, false);
      assert.equal(err.ambiguous, false);
      if (before !== undefined) assert.equal(remote.requests!() - before, 1, 'one request: the module does not retry a refused login');
      assert.equal((await remote.truth(call)).exists, false, 'nothing was created with refused credentials');
    });
  });
}
