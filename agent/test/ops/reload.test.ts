import assert from 'node:assert/strict';
import { Coalescer } from '../../src/ops/reload.ts';
import { withLock } from '../../src/ops/lock.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('agent ops: coalesced reloads', function () {
  it('concurrent requests share one reload, and reloads are at least the interval apart', async function () {
    const starts: number[] = [];
    const c = new Coalescer(200, async (begin) => {
      begin();
      starts.push(Date.now());
      await sleep(20);
    });
    await Promise.all(Array.from({ length: 20 }, () => c.request()));
    assert.equal(c.count, 1);
    await c.request();
    await Promise.all([c.request(), c.request()]);
    assert.equal(c.count, 3);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 195, `reloads ${starts[i]! - starts[i - 1]!} ms apart`);
  });

  it('a request made after a reload began reading the config gets a later reload', async function () {
    let reads = 0;
    let changes = 0;
    const seen: number[] = [];
    const c = new Coalescer(10, async (begin) => {
      begin();
      reads++;
      seen.push(changes);
      await sleep(30);
    });
    changes++;
    const first = c.request();
    await sleep(5); // the first reload has begun
    changes++;
    const second = c.request();
    await Promise.all([first, second]);
    assert.equal(reads, 2);
    assert.deepEqual(seen, [1, 2], 'the second change was read by a reload that began after it');
  });

  it('a failed reload rejects its callers and does not block the next one', async function () {
    let fail = true;
    const c = new Coalescer(0, async (begin) => {
      begin();
      if (fail) throw new Error('reload refused');
    });
    await assert.rejects(Promise.all([c.request(), c.request()]), /reload refused/);
    fail = false;
    await c.request();
    assert.equal(c.count, 2);
  });

  it('withLock runs the work of one key in arrival order, other keys in parallel', async function () {
    const log: string[] = [];
    await Promise.all([
      withLock('a', async () => { await sleep(30); log.push('a1'); }),
      withLock('a', async () => { log.push('a2'); }),
      withLock('b', async () => { log.push('b1'); }),
      withLock('a', async () => { throw new Error('x'); }).catch(() => log.push('a3 failed')),
      withLock('a', async () => { log.push('a4'); }),
    ]);
    assert.deepEqual(log, ['b1', 'a1', 'a2', 'a3 failed', 'a4']);
  });
});
