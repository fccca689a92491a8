import assert from 'node:assert/strict';
import fc from 'fast-check';
import { couponDiscount, couponRejection, type Coupon } from '../src/domain/coupons.ts';
import { creditToApply, ledgerBalance, settlePayment } from '../src/domain/ledger.ts';
import { formatInvoiceNumber, isValidNumberFormat } from '../src/domain/numbering.ts';
import { lateFeeAmount, lateFeeDue, reminderDue, shouldSuspend, shouldTerminate, type DunningSettings } from '../src/domain/dunning.ts';

const coupon: Coupon = {
  code: 'SAVE', type: 'percent', value: 1500, currency: null, recurring: false, productIds: [], cycles: [],
  maxUses: 2, usesCount: 0, validFrom: '2025-01-01', expiresAt: '2025-12-31',
};
const line = { productId: 'p1', cycle: 'monthly' as const, currency: 'EUR', amount: 1999, firstPayment: true };

describe('billing domain: coupons', () => {
  it('checks dates and usage caps', () => {
    assert.equal(couponRejection(coupon, '2024-12-31'), 'not_started');
    assert.equal(couponRejection(coupon, '2025-06-01'), null);
    assert.equal(couponRejection(coupon, '2026-01-01'), 'expired');
    assert.equal(couponRejection({ ...coupon, usesCount: 2 }, '2025-06-01'), 'used_up');
  });

  it('computes percentage and fixed discounts with product, cycle and first-payment limits', () => {
    assert.equal(couponDiscount(coupon, line), 300); // 15% of 19.99 = 2.9985 → 3.00
    assert.equal(couponDiscount(coupon, { ...line, firstPayment: false }), 0);
    assert.equal(couponDiscount({ ...coupon, recurring: true }, { ...line, firstPayment: false }), 300);
    assert.equal(couponDiscount({ ...coupon, productIds: ['p2'] }, line), 0);
    assert.equal(couponDiscount({ ...coupon, cycles: ['annually'] }, line), 0);
    const fixed: Coupon = { ...coupon, type: 'fixed', value: 500, currency: 'EUR' };
    assert.equal(couponDiscount(fixed, line), 500);
    assert.equal(couponDiscount(fixed, { ...line, currency: 'USD' }), 0);
    assert.equal(couponDiscount(fixed, { ...line, amount: 300 }), 300); // capped at the line
  });

  it('never discounts below zero or above the line', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('percent', 'fixed'), (amount, value, type) => {
      const d = couponDiscount({ ...coupon, type: type as Coupon['type'], value, currency: 'EUR' }, { ...line, amount });
      assert.ok(d >= 0 && d <= amount);
    }));
  });
});

describe('billing domain: ledger and payments', () => {
  it('balance = ledger sum; a payment splits into applied + overpayment', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 })), fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 1e7 }), (amounts, due, paid) => {
      assert.equal(ledgerBalance(amounts.map((amount) => ({ amount }))), amounts.reduce((a, b) => a + b, 0));
      const s = settlePayment(due, paid);
      assert.equal(s.applied + s.overpayment, paid);
      assert.ok(s.applied <= due);
      assert.ok(s.overpayment === 0 || s.applied === due);
      const c = creditToApply(paid, due);
      assert.ok(c >= 0 && c <= due && c <= paid);
    }));
  });
});

describe('billing domain: invoice numbers', () => {
  it('formats INV-{YYYY}-{SEQ:5}', () => {
    assert.equal(formatInvoiceNumber('INV-{YYYY}-{SEQ:5}', '2026-03-01', 42), 'INV-2026-00042');
    assert.equal(formatInvoiceNumber('{YY}{MM}{DD}/{SEQ}', '2026-03-01', 7), '260301/7');
    assert.equal(formatInvoiceNumber('INV-{SEQ:3}', '2026-03-01', 123456), 'INV-123456');
    assert.equal(isValidNumberFormat('INV-{YYYY}-{SEQ:5}'), true);
    assert.equal(isValidNumberFormat('INV-{YYYY}'), false);
    assert.equal(isValidNumberFormat('INV-{FOO}-{SEQ}'), false);
    assert.throws(() => formatInvoiceNumber('{SEQ}', '2026-03-01', 0), RangeError);
  });
});

describe('billing domain: dunning', () => {
  const s: DunningSettings = {
    reminderDaysBefore: [7, 3], reminderDaysAfter: [1, 3, 7],
    lateFee: { type: 'percent', value: 1000, afterDays: 5 }, suspendAfterDays: 10, terminateAfterDays: 30,
  };
  it('picks the latest reminder reached', () => {
    assert.equal(reminderDue('2025-03-10', '2025-03-01', s), null);
    assert.equal(reminderDue('2025-03-10', '2025-03-03', s), 'before:7');
    assert.equal(reminderDue('2025-03-10', '2025-03-08', s), 'before:3');
    assert.equal(reminderDue('2025-03-10', '2025-03-10', s), null);
    assert.equal(reminderDue('2025-03-10', '2025-03-11', s), 'overdue:1');
    assert.equal(reminderDue('2025-03-10', '2025-04-30', s), 'overdue:7');
  });
  it('decides late fees, suspension and termination by days overdue', () => {
    assert.equal(lateFeeDue('2025-03-10', '2025-03-14', s), false);
    assert.equal(lateFeeDue('2025-03-10', '2025-03-15', s), true);
    assert.equal(lateFeeAmount(12_345, s), 1235);
    assert.equal(shouldSuspend('2025-03-10', '2025-03-19', s), false);
    assert.equal(shouldSuspend('2025-03-10', '2025-03-20', s), true);
    assert.equal(shouldTerminate('2025-03-10', '2025-04-09', s), true);
    assert.equal(shouldTerminate('2025-03-10', '2025-04-09', { ...s, terminateAfterDays: null }), false);
  });
});
