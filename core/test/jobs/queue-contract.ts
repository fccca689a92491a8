import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import type { JobContext, JobDefinitionOptions } from '@mpanel/sdk';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import type { JobQueueSettings } from '../../src/jobs/job-settings.ts';
import { applyTenantContext } from '../../src/tenancy/context.ts';
import { runInExecution, systemExecution } from '../../src/plugins/execution-scope.ts';
import { waitFor } from '../plugins/wait.ts';

/** One queue's backing store (a database, a Redis prefix): every worker opened on it shares its jobs. */
export interface QueueStore {
  /** A worker process's queue on this store, with `setup` defining its jobs before it starts. */
  worker(settings: Partial<JobQueueSettings>, setup: (q: JobQueue) => void): Promise<JobQueue>;
  /** The app role's connection of the store's database: the transactions of requests and handlers. */
  appKnex: Knex;
  /** A tenant of the store's database. */
  tenantId: string;
  /** Takes a running job's lease away from its worker, as a worker that took it over would. */
  steal(jobId: string): Promise<void>;
  close(): Promise<void>;
}

export interface QueueBackend {
  name: string;
  /** A store for one test: empty of jobs and schedules. */
  open(): Promise<QueueStore>;
  /** After the last test: what `open` kept for the file (a migrated database). */
  closeAll?(): Promise<void>;
}

/** Short enough for fast tests, long enough that "not before the lease ends" is measurable on a busy machine. */
const LEASE = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the handlers of a test saw: start and end times per job id. */
class Runs {
  readonly started: Array<{ id: string; at: number; worker: string }> = [];
  readonly ended: Array<{ id: string; at: number; worker: string }> = [];
  count(id: string): number {
    return this.started.filter((r) => r.id === id).length;
  }
  endOf(id: string): number | undefined {
    return this.ended.find((r) => r.id === id)?.at;
  }
  /** A handler that records its run and works `ms` (stopping early if its signal fires). */
  work(worker: string, ms: number, seen?: (job: JobContext) => void) {
    return async (job: JobContext) => {
      this.started.push({ id: job.id, at: Date.now(), worker });
      seen?.(job);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        job.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
      if (!job.signal.aborted) this.ended.push({ id: job.id, at: Date.now(), worker });
    };
  }
}

/**
 * The behaviour both queue backends promise, written once and run per backend: leases kept by a
 * heartbeat, a lost worker's job taken over only after its lease, slots that do not wait for each
 * other, cron on time, retries and the failed list, idempotent ids, and enqueue that follows its
 * transaction.
 */
export function queueContract(backend: QueueBackend): void {
  describe(`job queue contract (${backend.name})`, function () {
    this.timeout(30_000);
    let store: QueueStore;
    beforeEach(async () => (store = await backend.open()));
    afterEach(() => store?.close());
    after(() => backend.closeAll?.());

    it('runs a job longer than its lease once, while another worker watches', async () => {
      const runs = new Runs();
      const define = (name: string) => (q: JobQueue) => q.define('t', 'long', runs.work(name, LEASE * 4));
      const a = await store.worker({ leaseMs: LEASE }, define('a'));
      const id = await a.enqueue('t', 'long', {});
      await waitFor(async () => runs.count(id) > 0);
      // The second worker only starts once the job is a's: it may take over only a lost lease.
      await store.worker({ leaseMs: LEASE }, define('b'));
      await waitFor(async () => runs.endOf(id));
      await sleep(LEASE * 2); // time for a wrong second claim to show
      assert.equal(runs.count(id), 1, JSON.stringify(runs.started));
      const done = await waitFor(async () => (await a.list('completed', null, 1, 50)).rows.find((j) => j.id === id));
      assert.equal(done.attempts, 1);
    });

    it("takes a lost worker's job over after its lease ends, not before", async () => {
      const runs = new Runs();
      let first: JobContext | undefined;
      const a = await store.worker({ leaseMs: LEASE, stopGraceMs: 0 }, (q) => q.define('t', 'hang', runs.work('a', 60_000, (job) => (first ??= job))));
      const id = await a.enqueue('t', 'hang', {});
      await waitFor(async () => runs.count(id) > 0);
      await sleep(LEASE); // a few heartbeats: the lease is renewed meanwhile
      // The worker goes away mid-job: no more heartbeats, nothing released.
      const lostAt = Date.now();
      await a.stop();
      assert.ok(first?.signal.aborted, 'the abandoned run is told to stop');
      const b = await store.worker({ leaseMs: LEASE }, (q) => q.define('t', 'hang', runs.work('b', 50)));
      await waitFor(async () => runs.endOf(id));
      const takeover = runs.started.find((r) => r.worker === 'b');
      assert.ok(takeover, JSON.stringify(runs.started));
      // The last heartbeat was at most a third of a lease before the worker went away.
      const earliest = lostAt + (LEASE * 2) / 3;
      assert.ok(takeover.at >= earliest - 15, `taken over ${lostAt + LEASE - takeover.at} ms before the lease could have ended`);
      assert.equal(runs.count(id), 2);
      const done = await waitFor(async () => (await b.list('completed', null, 1, 50)).rows.find((j) => j.id === id));
      assert.equal(done.attempts, 2, 'the lost run counts as an attempt');
    });

    it('stops gracefully: waits for the running job, which ends completed, once', async () => {
      const runs = new Runs();
      const define = (name: string) => (q: JobQueue) => q.define('t', 'work', runs.work(name, LEASE * 2));
      const a = await store.worker({ leaseMs: LEASE, stopGraceMs: 10_000 }, define('a'));
      const id = await a.enqueue('t', 'work', {});
      await waitFor(async () => runs.count(id) > 0);
      await a.stop();
      const stoppedAt = Date.now();
      assert.ok(runs.endOf(id) !== undefined && runs.endOf(id)! <= stoppedAt, 'stop returned before the job ended');
      const b = await store.worker({ leaseMs: LEASE }, define('b'));
      const done = await waitFor(async () => (await b.list('completed', null, 1, 50)).rows.find((j) => j.id === id));
      assert.equal(done.attempts, 1);
      await sleep(LEASE * 2);
      assert.equal(runs.count(id), 1);
    });

    it('tells a run that lost its lease, which then records nothing about the job', async () => {
      const runs = new Runs();
      let run: JobContext | undefined;
      const q = await store.worker({ leaseMs: LEASE }, (w) => w.define('t', 'steady', runs.work('a', 3000, (job) => (run ??= job)), { attempts: 1 }));
      const id = await q.enqueue('t', 'steady', {});
      await waitFor(async () => run);
      await store.steal(id);
      await waitFor(async () => run!.signal.aborted || undefined, LEASE * 5);
      assert.equal((run!.signal.reason as Error).name, 'LeaseLostError');
      await sleep(LEASE / 2);
      // Its end is the new owner's to record: neither completed nor failed (attempts: 1) by the loser.
      for (const status of ['completed', 'failed']) assert.equal((await q.list(status, null, 1, 50)).rows.find((j) => j.id === id), undefined, status);
    });

    it('does not hold fast jobs back behind a slow one', async () => {
      const runs = new Runs();
      const q = await store.worker({ leaseMs: LEASE, slots: 2 }, (w) => {
        w.define('t', 'slow', runs.work('a', 1500));
        w.define('t', 'fast', runs.work('a', 20));
      });
      const slow = await q.enqueue('t', 'slow', {});
      await waitFor(async () => runs.count(slow) > 0);
      const fast = [];
      for (let i = 0; i < 6; i++) fast.push(await q.enqueue('t', 'fast', { i }));
      await waitFor(async () => runs.endOf(slow));
      const slowEnd = runs.endOf(slow)!;
      for (const id of fast) {
        const end = runs.endOf(id);
        assert.ok(end && end < slowEnd - 500, `fast job ended ${end ? end - slowEnd : 'never'} ms relative to the slow one`);
      }
    });

    it('runs cron ticks on time while a long job runs', async () => {
      const runs = new Runs();
      const q = await store.worker({ leaseMs: LEASE, slots: 2 }, (w) => {
        w.define('t', 'long', runs.work('a', 2500));
        w.define('t', 'tick', runs.work('a', 1));
        w.schedule('t', 'tick', '* * * * * *');
      });
      const long = await q.enqueue('t', 'long', {});
      await waitFor(async () => runs.endOf(long), 10_000);
      const from = runs.started.find((r) => r.id === long)!.at;
      const ticks = runs.started.filter((r) => r.id !== long && r.at > from && r.at < runs.endOf(long)!);
      assert.ok(ticks.length >= 1, `no tick ran during the long job: ${JSON.stringify(runs.started)}`);
      const perTick = new Map<string, number>();
      for (const r of runs.started) if (r.id !== long) perTick.set(r.id, (perTick.get(r.id) ?? 0) + 1);
      assert.ok([...perTick.values()].every((n) => n === 1), 'a tick ran twice');
    });

    it('retries with backoff, lists failed jobs and retries them on request', async () => {
      const attempts: Record<string, number[]> = {};
      const q = await store.worker({ leaseMs: LEASE }, (w) => {
        const track = (job: JobContext) => (attempts[job.id] ??= []).push(job.attempt);
        w.define('t', 'flaky', (job) => {
          track(job);
          if (job.attempt === 1) throw new Error('first attempt fails');
        }, { attempts: 3, backoffMs: 20 });
        w.define('t', 'doomed', (job) => {
          track(job);
          throw new Error('always fails');
        }, { attempts: 2, backoffMs: 20 });
      });
      const flaky = await q.enqueue('t', 'flaky', {});
      const doomed = await q.enqueue('t', 'doomed', {}, { tenantId: null });
      const done = await waitFor(async () => (await q.list('completed', null, 1, 50)).rows.find((j) => j.id === flaky));
      assert.equal(done.attempts, 2);
      const failed = await waitFor(async () => (await q.list('failed', null, 1, 50)).rows.find((j) => j.id === doomed));
      assert.equal(failed.lastError, 'always fails');
      assert.equal(failed.attempts, 2);
      assert.deepEqual(attempts[doomed], [1, 2]);
      // Another tenant cannot retry it; an unknown id is no retry either.
      assert.equal(await q.retry(doomed, '00000000-0000-4000-8000-000000000001'), false);
      assert.equal(await q.retry('t.no-such-job', null), false);
      assert.equal(await q.retry(doomed, null), true);
      await waitFor(async () => (attempts[doomed]!.length >= 4 ? true : undefined));
      assert.deepEqual(attempts[doomed], [1, 2, 1, 2]);
    });

    it('queues one job for one idempotency key', async () => {
      const runs = new Runs();
      const q = await store.worker({ leaseMs: LEASE }, (w) => w.define('t', 'once', runs.work('a', 10)));
      const [x, y] = await Promise.all([q.enqueue('t', 'once', {}, { jobId: 'k1' }), q.enqueue('t', 'once', {}, { jobId: 'k1' })]);
      assert.equal(x, y);
      await waitFor(async () => runs.endOf(x));
      await sleep(200);
      assert.equal(runs.count(x), 1);
    });

    it('fails a run past its timeout and tells the handler through its signal', async () => {
      let reason: unknown;
      const options: JobDefinitionOptions = { attempts: 1, timeoutMs: 100 };
      const q = await store.worker({ leaseMs: LEASE }, (w) =>
        w.define('t', 'stuck', (job) => new Promise<void>((resolve) => job.signal.addEventListener('abort', () => ((reason = job.signal.reason), resolve())))
          .then(() => sleep(10_000)), options));
      const id = await q.enqueue('t', 'stuck', {});
      const failed = await waitFor(async () => (await q.list('failed', null, 1, 50)).rows.find((j) => j.id === id), 5_000);
      assert.match(failed.lastError ?? '', /timed out after 100 ms/);
      assert.ok(reason instanceof Error && reason.name === 'JobTimeoutError');
    });

    it('queues a job enqueued in a transaction only if the transaction commits', async () => {
      const ran: string[] = [];
      const q = await store.worker({ leaseMs: LEASE }, (w) => {
        w.define('t', 'effect', (job) => void ran.push((job.data as { tag: string }).tag));
        // A job enqueuing from its own transaction, which it rolls back (and carries on), then from one that commits.
        w.define('t', 'parent', async (job) => {
          await job.transaction(async () => {
            await q.enqueue('t', 'effect', { tag: 'job, rolled back' });
            throw new Error('changed its mind');
          }).catch(() => undefined);
          await job.transaction(() => q.enqueue('t', 'effect', { tag: 'job, committed' }));
        });
      });
      // As a request or an event handler does: a tenant transaction of the app role, callbacks after commit.
      const inTransaction = async (commit: boolean, tag: string) => {
        const afterCommit: Array<() => void | Promise<void>> = [];
        await store.appKnex.transaction(async (trx) => {
          await applyTenantContext(trx, store.tenantId);
          await runInExecution(systemExecution(store.tenantId, trx, afterCommit), () => q.enqueue('t', 'effect', { tag }));
          if (!commit) throw new Error('rolled back');
        }).catch(() => undefined);
        if (commit) for (const cb of afterCommit) await cb();
      };
      await inTransaction(false, 'request, rolled back');
      await inTransaction(true, 'request, committed');
      await q.enqueue('t', 'parent', {}, { tenantId: store.tenantId });
      await waitFor(async () => ran.length >= 2 || undefined);
      await sleep(300);
      assert.deepEqual(ran.sort(), ['job, committed', 'request, committed']);
    });
  });
}
