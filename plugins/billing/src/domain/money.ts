/**
 * Money is an integer amount of a currency's minor units (cents, yen, fils) next to its ISO 4217
 * code. Floats never hold money: every multiplication by a rate or a fraction goes through
 * `mulDivHalfUp`, which works in BigInt so intermediate products cannot lose precision.
 */

// The ISO 4217 exponent table and the formatting/parsing built on it are the SDK's: one source for
// billing, every gateway and the admin UI.
export { currencyExponent, formatMoney, isCurrencyCode, parseMoney, toDecimalString } from '@mpanel/sdk';

export function assertMinorUnits(amount: number, field = 'amount'): void {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${field} must be an integer number of minor units`);
}

/**
 * round(a * b / c) with halves rounded away from zero ("half-up" in commercial use, so a
 * refund of -0.5 cent rounds like a charge of 0.5 cent, mirrored).
 */
export function mulDivHalfUp(a: number, b: number, c: number): number {
  if (c === 0) throw new RangeError('division by zero');
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  const negative = (num < 0n) !== (den < 0n);
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (2n * n + d) / (2n * d);
  const result = Number(negative ? -q : q);
  return result === 0 ? 0 : result; // no -0
}

export function sum(amounts: readonly number[]): number {
  let total = 0;
  for (const a of amounts) total += a;
  return total;
}
