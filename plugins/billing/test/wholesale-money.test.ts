import assert from 'node:assert/strict';
import { MAX_AMOUNT } from '@mpanel/sdk';
import { marginOf, pricesProblem, wholesalePrice } from '../src/domain/wholesale.ts';

describe('wholesale money', () => {
  it('prices: known cycles, whole minor units within the bound, at least one', () => {
    assert.equal(pricesProblem({ monthly: 700, annually: 7000 }), null);
    assert.equal(pricesProblem({ monthly: 0 }), null, 'a free wholesale price is allowed');
    assert.equal(pricesProblem({}), 'name at least one cycle');
    assert.equal(pricesProblem({ weekly: 1 }), 'weekly is not a billing cycle');
    for (const bad of [-1, 1.5, MAX_AMOUNT + 1, '700', null, Number.NaN]) assert.match(pricesProblem({ monthly: bad })!, /^monthly: an amount in minor units/);
  });

  it('the price of a cycle, or null when the offer does not cover it', () => {
    assert.equal(wholesalePrice({ monthly: 700 }, 'monthly'), 700);
    assert.equal(wholesalePrice({ monthly: 0 }, 'monthly'), 0);
    assert.equal(wholesalePrice({ monthly: 700 }, 'annually'), null);
  });

  it('margin: retail − wholesale, and its share in basis points rounded half away from zero', () => {
    assert.deepEqual(marginOf(1500, 700), { margin: 800, marginBp: 5333 });
    assert.deepEqual(marginOf(3, 1), { margin: 2, marginBp: 6667 });
    assert.deepEqual(marginOf(700, 700), { margin: 0, marginBp: 0 });
    assert.deepEqual(marginOf(500, 700), { margin: -200, marginBp: -4000 }, 'selling below cost shows a negative margin');
    assert.deepEqual(marginOf(8, 9), { margin: -1, marginBp: -1250 });
    assert.deepEqual(marginOf(16, 17), { margin: -1, marginBp: -625 });
    assert.deepEqual(marginOf(0, 700), { margin: -700, marginBp: null }, 'no retail: no share');
    assert.deepEqual(marginOf(200_000, 1), { margin: 199_999, marginBp: 10_000 });
    // A thousand maximal invoices of retail: margin × 10 000 is far beyond 2^53, the share stays exact.
    assert.deepEqual(marginOf(1000 * MAX_AMOUNT, 1), { margin: 1000 * MAX_AMOUNT - 1, marginBp: 10_000 });
    assert.deepEqual(marginOf(3 * MAX_AMOUNT, 2 * MAX_AMOUNT), { margin: MAX_AMOUNT, marginBp: 3333 });
  });
});
