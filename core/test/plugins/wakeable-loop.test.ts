import assert from 'node:assert/strict';
import { WakeableLoop } from '../../src/events/wakeable-loop.ts';

/** The dispatcher's loop: wake-ups gathered within the batch window, and never lost. */
describe('WakeableLoop with a batch window', () => {
  it('gathers wake-ups inside the window into one cycle', async () => {
    let runs = 0;
    const loop = new WakeableLoop(async () => { runs++; return null; }, () => undefined, 30_000, 30);
    loop.start();
    await loop.idle();
    for (let i = 0; i < 5; i++) loop.wake();
    await loop.idle();
    await loop.stop();
    assert.equal(runs, 2);
  });

  it('still runs when the window timer fires a little "early" by Date.now', async () => {
    let runs = 0;
    const loop = new WakeableLoop(async () => { runs++; return null; }, () => undefined, 30_000, 20);
    const realNow = Date.now;
    try {
      loop.start();
      await loop.idle();
      loop.wake();
      // The wall clock now reads 5 ms behind the timers' clock.
      Date.now = () => realNow() - 5;
      await new Promise((r) => setTimeout(r, 80));
    } finally {
      Date.now = realNow;
      await loop.stop();
    }
    assert.equal(runs, 2, 'the deferred wake-up was lost');
  });
});
