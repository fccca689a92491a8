/** Display helpers: money in minor units with its currency, ISO dates in the user's locale. */

const currencyFormats = new Map<string, Intl.NumberFormat>();

/**
 * One formatter per currency for the page's life: making an Intl.NumberFormat (locale data) costs
 * far more than using one, and a list or the dashboard formats many amounts. Throws RangeError for
 * a code that is not a currency (nothing is kept then).
 */
function currencyFormat(code: string): Intl.NumberFormat {
  let format = currencyFormats.get(code);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
    currencyFormats.set(code, format);
  }
  return format;
}

export function money(amount: unknown, currency: unknown): string {
  const minor = Number(amount ?? 0);
  const code = typeof currency === 'string' && currency ? currency : 'USD';
  let digits = 2;
  try {
    const format = currencyFormat(code);
    digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${code}`;
  }
}

export function date(value: unknown): string {
  if (!value) return '';
  const d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleDateString();
}

export function dateTime(value: unknown): string {
  if (!value) return '';
  const d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

/** The number of minor units of a currency (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  try {
    return currencyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "12.50" in EUR → 1250; NaN for text that is not an amount (the API then names the field). */
export function toMinor(value: string | number, currency: string): number {
  const text = String(value).trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(text)) return Number.NaN;
  return Math.round(Number(text) * 10 ** minorDigits(currency));
}

/** 1250 in EUR → "12.50", for an amount field's initial value. */
export function fromMinor(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  return (amount / 10 ** digits).toFixed(digits);
}
