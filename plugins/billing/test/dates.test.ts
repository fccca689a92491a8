import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, addMonthsAnchored, daysBetween, daysInMonth, isIsoDate, makeIsoDate, parseIsoDate } from '../src/domain/dates.ts';
import { anchorDayOf, CYCLE_MONTHS, nextDueDate, type RecurringCycle } from '../src/domain/cycles.ts';

const dateArb = fc.record({ y: fc.integer({ min: 1990, max: 2200 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => makeIsoDate(y, m, Math.min(d, daysInMonth(y, m))));
const cycleArb = fc.constantFrom(...(Object.keys(CYCLE_MONTHS) as RecurringCycle[]));

describe('billing domain: dates and cycles', () => {
  it('validates dates', () => {
    assert.equal(isIsoDate('2024-02-29'), true);
    assert.equal(isIsoDate('2023-02-29'), false);
    assert.equal(isIsoDate('2023-13-01'), false);
    assert.equal(isIsoDate('2023-1-01'), false);
  });

  it('keeps the day-of-month anchor: Jan 31 → Feb 28 → Mar 31', () => {
    let due = '2025-01-31';
    const anchor = anchorDayOf(due);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      due = nextDueDate(due, 'monthly', anchor);
      seen.push(due);
    }
    assert.deepEqual(seen, ['2025-02-28', '2025-03-31', '2025-04-30', '2025-05-31']);
    assert.equal(nextDueDate('2024-01-31', 'monthly', 31), '2024-02-29');
    assert.equal(nextDueDate('2024-02-29', 'annually', 29), '2025-02-28');
    assert.equal(nextDueDate('2025-02-28', 'annually', 29), '2026-02-28');
    assert.equal(nextDueDate('2027-02-28', 'annually', 29), '2028-02-29');
    assert.equal(nextDueDate('2025-11-30', 'quarterly', 30), '2026-02-28');
  });

  it('n steps of a cycle equal one jump of n × months (no drift)', () => {
    fc.assert(fc.property(dateArb, cycleArb, fc.integer({ min: 1, max: 40 }), (start, cycle, n) => {
      const anchor = anchorDayOf(start);
      let due = start;
      for (let i = 0; i < n; i++) due = nextDueDate(due, cycle, anchor);
      assert.equal(due, addMonthsAnchored(start, CYCLE_MONTHS[cycle] * n, anchor));
      const { day, month, year } = parseIsoDate(due);
      assert.equal(day, Math.min(anchor, daysInMonth(year, month)));
    }));
  });

  it('due dates strictly increase and move by the cycle length in months', () => {
    fc.assert(fc.property(dateArb, cycleArb, (start, cycle) => {
      const next = nextDueDate(start, cycle, anchorDayOf(start));
      const a = parseIsoDate(start);
      const b = parseIsoDate(next);
      assert.ok(next > start);
      assert.equal((b.year * 12 + b.month) - (a.year * 12 + a.month), CYCLE_MONTHS[cycle]);
    }));
  });

  it('addDays and daysBetween are inverse', () => {
    fc.assert(fc.property(dateArb, fc.integer({ min: -5000, max: 5000 }), (d, n) => {
      assert.equal(daysBetween(d, addDays(d, n)), n);
    }));
  });
});
