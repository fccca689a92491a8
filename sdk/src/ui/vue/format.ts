/** Display helpers: money in minor units with its currency, ISO dates in the user's locale. */
import { currencyExponent, formatMoney, parseMoney, toMajorString } from '../index.ts';

/** Minor units in the user's locale, with the currency's ISO 4217 decimals (the SDK's table, as the server's). */
export function money(amount: unknown, currency: unknown): string {
  const minor = Number(amount ?? 0);
  const code = typeof currency === 'string' && currency ? currency : 'USD';
  try {
    return formatMoney(minor, code, undefined);
  } catch {
    return `${Number.isSafeInteger(minor) ? toMajorString(minor, code) : String(amount)} ${code}`;
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

/** The number of minor units of a currency (2 for EUR and HUF, 0 for JPY): ISO 4217, as the server. */
export function minorDigits(currency: string): number {
  return currencyExponent(currency);
}

/** "12.50" in EUR → 1250; NaN for text that is not an amount, a negative one or more decimals than the currency has (the API then names the field). */
export function toMinor(value: string | number, currency: string): number {
  const text = String(value).trim();
  if (text.startsWith('-')) return Number.NaN;
  try {
    return parseMoney(text, currency);
  } catch {
    return Number.NaN;
  }
}

/** 1250 in EUR → "12.50", for an amount field's initial value. */
export function fromMinor(amount: number, currency: string): string {
  return toMajorString(amount, currency);
}
