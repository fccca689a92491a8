/**
 * Money is an integer amount of a currency's minor units (cents, yen, fils) next to its ISO 4217
 * code. Floats never hold money: every multiplication by a rate or a fraction goes through
 * `mulDivHalfUp`, which works in BigInt so intermediate products cannot lose precision.
 */

/** ISO 4217 currencies whose exponent is not 2. Every other valid code has 2 minor digits. */
const EXPONENT_EXCEPTIONS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const CURRENCY_CODE = /^[A-Z]{3}$/;

export function isCurrencyCode(code: string): boolean {
  if (!CURRENCY_CODE.test(code)) return false;
  try {
    // Intl knows the ISO 4217 list; an unknown code still formats, so compare the echo instead.
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().currency === code;
  } catch {
    return false;
  }
}

/** Number of minor-unit digits of a currency (JPY 0, EUR 2, KWD 3). */
export function currencyExponent(currency: string): number {
  return EXPONENT_EXCEPTIONS[currency] ?? 2;
}

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

/** Formats minor units for people: `formatMoney(123456, 'EUR', 'de-DE')` → "1.234,56 €". */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  assertMinorUnits(amount);
  const exponent = currencyExponent(currency);
  const major = toDecimalString(amount, exponent);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(major as unknown as number); // Intl accepts decimal strings exactly (no float detour)
}

/** 123456 with exponent 2 → "1234.56". */
export function toDecimalString(amount: number, exponent: number): string {
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const frac = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${frac}` : ''}`;
}

/** "12.5" EUR → 1250. Rejects more decimals than the currency has. */
export function parseMoney(text: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not an amount: ${text}`);
  const [, sign, whole, frac = ''] = match;
  if (frac.length > exponent) throw new RangeError(`${currency} has ${exponent} decimals: ${text}`);
  const minor = Number(`${whole}${frac.padEnd(exponent, '0')}`);
  assertMinorUnits(minor);
  return sign ? -minor : minor;
}

export function sum(amounts: readonly number[]): number {
  let total = 0;
  for (const a of amounts) total += a;
  return total;
}
