import assert from 'node:assert/strict';
import fc from 'fast-check';
import { currencyExponent, formatMoney, isCurrencyCode, mulDivHalfUp, parseMoney, toDecimalString } from '../src/domain/money.ts';

describe('billing domain: money', () => {
  it('knows ISO 4217 exponents', () => {
    assert.equal(currencyExponent('EUR'), 2);
    assert.equal(currencyExponent('JPY'), 0);
    assert.equal(currencyExponent('KWD'), 3);
    assert.equal(isCurrencyCode('EUR'), true);
    assert.equal(isCurrencyCode('eur'), false);
    assert.equal(isCurrencyCode('XYZ1'), false);
  });

  it('formats per currency and locale', () => {
    assert.equal(formatMoney(123456, 'USD'), '$1,234.56');
    assert.equal(formatMoney(1234, 'JPY'), '¥1,234');
    assert.equal(formatMoney(1234, 'KWD'), 'KWD\u00a01.234');
    assert.equal(formatMoney(123456, 'EUR', 'de-DE'), '1.234,56\u00a0€');
    assert.equal(formatMoney(-5, 'USD'), '-$0.05');
  });

  it('formats huge amounts exactly (no float detour)', () => {
    assert.equal(toDecimalString(9_007_199_254_740_991, 2), '90071992547409.91');
    assert.equal(formatMoney(9_007_199_254_740_991, 'USD'), '$90,071,992,547,409.91');
  });

  it('parses decimal text into minor units and refuses extra decimals', () => {
    assert.equal(parseMoney('12.5', 'EUR'), 1250);
    assert.equal(parseMoney('1200', 'JPY'), 1200);
    assert.throws(() => parseMoney('1.5', 'JPY'), RangeError);
    assert.throws(() => parseMoney('abc', 'EUR'), RangeError);
  });

  it('parse(toDecimalString(x)) round-trips', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('EUR', 'JPY', 'KWD'), (x, cur) => {
      assert.equal(parseMoney(toDecimalString(x, currencyExponent(cur)), cur), x);
    }));
  });

  it('rounds half away from zero, symmetrically', () => {
    assert.equal(mulDivHalfUp(1, 1, 2), 1);
    assert.equal(mulDivHalfUp(-1, 1, 2), -1);
    assert.equal(mulDivHalfUp(3, 1, 4), 1);
    assert.equal(mulDivHalfUp(1, 1, 4), 0);
    assert.equal(Object.is(mulDivHalfUp(-1, 1, 4), 0), true);
    fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 1e6 }), (a, b, c) => {
      const r = mulDivHalfUp(a, b, c);
      assert.equal(mulDivHalfUp(-a, b, c), r === 0 ? 0 : -r);
      // |exact - r| ≤ 1/2, compared in integers: |a*b - r*c| * 2 ≤ c
      const diff = BigInt(a) * BigInt(b) - BigInt(r) * BigInt(c);
      assert.ok((diff < 0n ? -diff : diff) * 2n <= BigInt(c));
    }));
  });
});
