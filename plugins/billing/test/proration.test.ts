import assert from 'node:assert/strict';
import fc from 'fast-check';
import { prorate } from '../src/domain/proration.ts';
import { addDays, daysInMonth, makeIsoDate } from '../src/domain/dates.ts';
import { anchorDayOf, CYCLE_MONTHS, periodStartingAt, periodDays, type RecurringCycle } from '../src/domain/cycles.ts';

const dateArb = fc.record({ y: fc.integer({ min: 2000, max: 2100 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => makeIsoDate(y, m, Math.min(d, daysInMonth(y, m))));
const cycleArb = fc.constantFrom(...(Object.keys(CYCLE_MONTHS) as RecurringCycle[]));

describe('billing domain: proration', () => {
  it('an upgrade halfway charges half the difference', () => {
    const period = { start: '2025-04-01', end: '2025-05-01' }; // 30 days
    const p = prorate({ oldAmount: 1000, newAmount: 3000, period, changeDate: '2025-04-16' });
    assert.deepEqual(p, { remainingDays: 15, totalDays: 30, credit: 500, charge: 1500, amountDue: 1000, creditToBalance: 0 });
  });

  it('a downgrade surplus becomes credit', () => {
    const period = { start: '2025-04-01', end: '2025-05-01' };
    const p = prorate({ oldAmount: 3000, newAmount: 1000, period, changeDate: '2025-04-16' });
    assert.equal(p.amountDue, 0);
    assert.equal(p.creditToBalance, 1000);
  });

  it('refuses a change date outside the period', () => {
    const period = { start: '2025-04-01', end: '2025-05-01' };
    assert.throws(() => prorate({ oldAmount: 1, newAmount: 1, period, changeDate: '2025-05-02' }), RangeError);
  });

  it('never creates or loses money', () => {
    fc.assert(fc.property(
      dateArb, cycleArb, fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), fc.double({ min: 0, max: 1, noNaN: true }),
      (start, cycle, oldAmount, newAmount, f) => {
        const period = periodStartingAt(start, cycle, anchorDayOf(start));
        const changeDate = addDays(start, Math.floor(f * periodDays(period)));
        const p = prorate({ oldAmount, newAmount, period, changeDate });
        // what is invoiced minus what is credited is exactly the new charge minus the old credit
        assert.equal(p.amountDue - p.creditToBalance, p.charge - p.credit);
        assert.ok(p.amountDue === 0 || p.creditToBalance === 0);
        // the credit is part of what was paid: used + credited = paid
        assert.ok(p.credit >= 0 && p.credit <= oldAmount);
        assert.ok(p.charge >= 0 && p.charge <= newAmount);
        // the same price on both sides moves nothing
        const same = prorate({ oldAmount, newAmount: oldAmount, period, changeDate });
        assert.equal(same.amountDue + same.creditToBalance, 0);
        // a change on the first day swaps whole prices; on the last day nothing
        const first = prorate({ oldAmount, newAmount, period, changeDate: period.start });
        assert.equal(first.charge - first.credit, newAmount - oldAmount);
        const last = prorate({ oldAmount, newAmount, period, changeDate: period.end });
        assert.equal(last.charge + last.credit, 0);
      },
    ));
  });
});
