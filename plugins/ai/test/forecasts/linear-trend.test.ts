import assert from 'node:assert/strict';
import { daysUntil, linearFit } from '../../src/forecasts/linear-trend.ts';

describe('forecasts: linear trend to a limit', () => {
  it('a server gaining 2 accounts a day with 60 of 100 used is full in 20 days', () => {
    const fit = linearFit(Array.from({ length: 10 }, (_, d) => ({ x: d, y: 42 + 2 * d })));
    assert.equal(fit!.slope, 2);
    assert.equal(daysUntil(fit, 100, 9, 60), 20);
  });
  it('flat or shrinking never fills, no limit has no date, a full server is 0 days', () => {
    assert.equal(daysUntil(linearFit([{ x: 0, y: 5 }, { x: 1, y: 5 }, { x: 2, y: 5 }]), 10, 2, 5), null);
    assert.equal(daysUntil(linearFit([{ x: 0, y: 9 }, { x: 1, y: 7 }]), 10, 1, 7), null);
    assert.equal(daysUntil(linearFit([{ x: 0, y: 1 }, { x: 1, y: 2 }]), null, 1, 2), null);
    assert.equal(daysUntil(null, 10, 1, 12), 0);
    assert.equal(linearFit([{ x: 3, y: 1 }]), null);
  });
});
