import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applicableTaxRules, isEuReverseCharge, percentToPpm, ppmToPercent, taxLine, type AppliedRules, type TaxRule,
} from '../src/domain/tax.ts';
import { computeInvoice, type DraftLine } from '../src/domain/invoice.ts';

function rule(partial: Partial<TaxRule> & Pick<TaxRule, 'name' | 'ratePpm'>): TaxRule {
  return { country: null, state: null, level: 1, compound: false, validFrom: null, validTo: null, ...partial };
}

const rules: TaxRule[] = [
  rule({ name: 'VAT DE', country: 'DE', ratePpm: percentToPpm('19') }),
  rule({ name: 'VAT DE old', country: 'DE', ratePpm: percentToPpm('16'), validFrom: '2020-07-01', validTo: '2020-12-31' }),
  rule({ name: 'GST', country: 'CA', ratePpm: percentToPpm('5') }),
  rule({ name: 'HST', country: 'CA', state: 'ON', ratePpm: percentToPpm('13') }),
  rule({ name: 'QST', country: 'CA', state: 'QC', ratePpm: percentToPpm('9.975'), level: 2, compound: true }),
];

const appliedArb: fc.Arbitrary<AppliedRules> = fc.record({
  r1: fc.integer({ min: 0, max: 300_000 }),
  r2: fc.integer({ min: 0, max: 200_000 }),
  compound: fc.boolean(),
}).map(({ r1, r2, compound }) => ({
  level1: rule({ name: 'T1', ratePpm: r1 }),
  level2: rule({ name: 'T2', ratePpm: r2, level: 2, compound }),
}));

describe('billing domain: taxes', () => {
  it('converts percent to ppm and back', () => {
    assert.equal(percentToPpm('9.975'), 99_750);
    assert.equal(percentToPpm(21), 210_000);
    assert.equal(ppmToPercent(99_750), '9.975');
    assert.equal(ppmToPercent(210_000), '21');
    assert.throws(() => percentToPpm('1.23456'), RangeError);
  });

  it('picks the most specific valid rule per level and date', () => {
    assert.equal(applicableTaxRules(rules, { country: 'DE', state: null, date: '2025-01-01' }).level1?.name, 'VAT DE');
    // both DE rules are country-wide; during the 2020 cut the dated one must not lose to the open one
    const cut = applicableTaxRules(rules.filter((r) => r.name !== 'VAT DE'), { country: 'DE', state: null, date: '2020-08-01' });
    assert.equal(cut.level1?.name, 'VAT DE old');
    assert.equal(applicableTaxRules(rules.filter((r) => r.name !== 'VAT DE'), { country: 'DE', state: null, date: '2021-01-01' }).level1, null);
    const on = applicableTaxRules(rules, { country: 'CA', state: 'ON', date: '2025-01-01' });
    assert.equal(on.level1?.name, 'HST');
    assert.equal(on.level2, null);
    const qc = applicableTaxRules(rules, { country: 'CA', state: 'QC', date: '2025-01-01' });
    assert.deepEqual([qc.level1?.name, qc.level2?.name], ['GST', 'QST']);
    assert.deepEqual(applicableTaxRules(rules, { country: 'US', state: 'NY', date: '2025-01-01' }), { level1: null, level2: null });
  });

  it('computes a compound second level on net + first level (Canada)', () => {
    const qc = applicableTaxRules(rules, { country: 'CA', state: 'QC', date: '2025-01-01' });
    // 100.00 net: GST 5.00; QST 9.975% of 105.00 = 10.47375 → 10.47
    assert.deepEqual(taxLine(10_000, qc, false), { net: 10_000, tax1: 500, tax2: 1047, gross: 11_547 });
    const flat = { ...qc, level2: { ...qc.level2!, compound: false } };
    assert.deepEqual(taxLine(10_000, flat, false), { net: 10_000, tax1: 500, tax2: 998, gross: 11_498 });
  });

  it('rounds half-up per line in minor units', () => {
    const applied = { level1: rule({ name: 'X', ratePpm: 50_000 }), level2: null }; // 5%
    assert.equal(taxLine(10, applied, false).tax1, 1); // 0.5 → 1
    assert.equal(taxLine(9, applied, false).tax1, 0); // 0.45 → 0
    assert.equal(taxLine(-10, applied, false).tax1, -1); // credit notes mirror charges
  });

  it('inclusive prices split exactly into net + taxes', () => {
    fc.assert(fc.property(fc.integer({ min: -1e10, max: 1e10 }), appliedArb, (amount, applied) => {
      const t = taxLine(amount, applied, true);
      assert.equal(t.gross, amount);
      assert.equal(t.net + t.tax1 + t.tax2, amount);
      // the derived net re-taxed exclusively lands within a cent or two of the price
      assert.ok(Math.abs(taxLine(t.net, applied, false).gross - amount) <= 2);
    }));
  });

  it('exclusive taxes are the half-up rounding of the exact tax', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e10 }), appliedArb, (amount, applied) => {
      const t = taxLine(amount, applied, false);
      assert.equal(t.net, amount);
      const exact1 = (amount * applied.level1!.ratePpm) / 1e6;
      assert.ok(Math.abs(t.tax1 - exact1) <= 0.5 + 1e-6);
      assert.equal(t.gross, t.net + t.tax1 + t.tax2);
    }));
  });

  it('applies EU reverse charge only to a business with a VAT number from another EU country', () => {
    const base = { sellerCountry: 'DE', buyerCountry: 'FR', buyerTaxId: 'FR12345678901', buyerIsBusiness: true };
    assert.equal(isEuReverseCharge(base), true);
    assert.equal(isEuReverseCharge({ ...base, buyerCountry: 'DE', buyerTaxId: 'DE123456789' }), false); // domestic
    assert.equal(isEuReverseCharge({ ...base, buyerIsBusiness: false }), false);
    assert.equal(isEuReverseCharge({ ...base, buyerTaxId: null }), false);
    assert.equal(isEuReverseCharge({ ...base, buyerTaxId: 'IT12345678901' }), false); // number of another country
    assert.equal(isEuReverseCharge({ ...base, buyerCountry: 'US', buyerTaxId: 'US123' }), false);
    assert.equal(isEuReverseCharge({ ...base, buyerCountry: 'GR', buyerTaxId: 'EL123456789' }), true);
  });
});

const lineArb: fc.Arbitrary<DraftLine> = fc.record({
  unitAmount: fc.integer({ min: -1e8, max: 1e8 }),
  quantity: fc.integer({ min: 1, max: 20 }),
  discountFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  taxable: fc.boolean(),
}).map(({ unitAmount, quantity, discountFraction, taxable }) => ({
  description: 'line',
  unitAmount,
  quantity,
  discount: unitAmount > 0 ? Math.floor(unitAmount * quantity * discountFraction) : 0,
  taxable,
}));

describe('billing domain: invoice totals', () => {
  it('total = Σ lines + tax, subtotal and tax are sums of the lines', () => {
    fc.assert(fc.property(fc.array(lineArb, { maxLength: 15 }), appliedArb, fc.boolean(), fc.boolean(), fc.boolean(),
      (lines, applied, inclusive, exempt, reverseCharge) => {
        const inv = computeInvoice(lines, { rules: applied, inclusive, exempt, reverseCharge });
        assert.equal(inv.total, inv.subtotal + inv.tax);
        assert.equal(inv.subtotal, inv.lines.reduce((s, l) => s + l.net, 0));
        assert.equal(inv.tax, inv.lines.reduce((s, l) => s + l.tax1 + l.tax2, 0));
        assert.equal(inv.total, inv.lines.reduce((s, l) => s + l.total, 0));
        assert.equal(inv.taxBreakdown.reduce((s, b) => s + b.amount, 0), inv.tax);
        if (exempt || reverseCharge) assert.equal(inv.tax, 0);
        if (inclusive && !exempt && !reverseCharge) {
          assert.equal(inv.total, inv.lines.reduce((s, l) => s + l.amount, 0)); // the client pays the shown prices
        }
      }));
  });

  it('untaxable lines carry no tax; reverse charge is noted', () => {
    const applied = { level1: rule({ name: 'VAT', ratePpm: 200_000 }), level2: null };
    const lines: DraftLine[] = [
      { description: 'Hosting', unitAmount: 1000, quantity: 2, discount: 500, taxable: true },
      { description: 'Domain', unitAmount: 1200, quantity: 1, discount: 0, taxable: false },
    ];
    const inv = computeInvoice(lines, { rules: applied, inclusive: false, exempt: false, reverseCharge: false });
    assert.deepEqual([inv.subtotal, inv.tax, inv.total], [2700, 300, 3000]);
    assert.deepEqual(inv.taxBreakdown, [{ name: 'VAT', level: 1, ratePpm: 200_000, amount: 300 }]);
    const rc = computeInvoice(lines, { rules: applied, inclusive: false, exempt: false, reverseCharge: true });
    assert.deepEqual([rc.tax, rc.total], [0, 2700]);
    assert.match(rc.taxNote ?? '', /Reverse charge/);
  });
});
