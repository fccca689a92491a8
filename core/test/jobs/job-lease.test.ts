import assert from 'node:assert/strict';
import { JobLease, LeaseLostError } from '../../src/jobs/job-lease.ts';
import { JobDefinitions } from '../../src/jobs/job-queue.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('job lease', () => {
  it('renews every third of the lease while held', async () => {
    let renewals = 0;
    const lease = new JobLease({ leaseMs: 60, renew: async () => (++renewals, true) });
    await sleep(200);
    lease.end();
    // About ten on an idle machine; timers only come late, never early.
    assert.ok(renewals >= 3 && renewals <= 10, `${renewals} renewals`);
    assert.equal(lease.signal.aborted, false);
  });

  it('aborts the run when another worker owns the job', async () => {
    const lease = new JobLease({ leaseMs: 60, renew: async () => false });
    await sleep(50);
    assert.ok(lease.signal.reason instanceof LeaseLostError);
    assert.match(lease.signal.reason.message, /another worker owns the job/);
  });

  it('keeps the run while renewals fail within the lease, and aborts it once the lease has run out', async () => {
    const start = Date.now();
    const lease = new JobLease({ leaseMs: 90, renew: async () => Promise.reject(new Error('database unreachable')), onRenewError: () => undefined });
    const abortedAt = await new Promise<number>((resolve) => lease.signal.addEventListener('abort', () => resolve(Date.now())));
    assert.ok(abortedAt - start >= 90, `aborted ${abortedAt - start} ms in, while the first lease still held`);
    assert.match((lease.signal.reason as Error).message, /could not be renewed in time/);
  });
});

describe('job definitions', () => {
  it('refuses a lease or timeout that no timer can keep', () => {
    const defs = new JobDefinitions();
    assert.throws(() => defs.define('p', 'a', () => undefined, { leaseMs: 5 }), /leaseMs must be a whole number of milliseconds from 30/);
    assert.throws(() => defs.define('p', 'b', () => undefined, { timeoutMs: 1e12 }), /timeoutMs must be/);
    assert.throws(() => defs.define('p', 'c', () => undefined, { leaseMs: 1.5e3 + 0.5 }), /leaseMs/);
    assert.equal(defs.define('p', 'd', () => undefined, { leaseMs: 200, timeoutMs: 1000 }).leaseMs, 200);
  });
});
