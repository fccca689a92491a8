/**
 * Money is an integer amount of a currency's minor units next to its ISO 4217 code. The exponent
 * (how many minor units make one major unit) comes from ISO 4217 itself, never from `Intl`: Intl's
 * display digits differ from ISO for 17 currencies (HUF, IDR, COP, PKR... show no decimals but have
 * cents), which made a HUF amount read 100× too large. Browser-safe: the admin UI, billing, every
 * gateway and the PDF share this one table.
 */

/** ISO 4217 (list one): active currency and fund codes by their minor-unit exponent. */
const CODES_BY_EXPONENT: Record<number, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2: 'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD '
    + 'CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP '
    + 'GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL '
    + 'MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN '
    + 'QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY '
    + 'TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  Object.entries(CODES_BY_EXPONENT).flatMap(([exponent, codes]) => codes.split(' ').map((code) => [code, Number(exponent)] as const)),
);

/** Every ISO 4217 currency an amount can be kept in (the precious metals and units of account have no minor unit and are left out). */
export const CURRENCY_CODES: readonly string[] = [...EXPONENTS.keys()].sort();

/**
 * The largest amount billing accepts for a price, fee, payment or coupon, in minor units (ten
 * billion in a two-decimal currency). Far below `Number.MAX_SAFE_INTEGER`, so a line times its
 * quantity, an invoice's sum of lines and a client's balance stay exact integers.
 */
export const MAX_AMOUNT = 1_000_000_000_000;

export function isCurrencyCode(code: string): boolean {
  return EXPONENTS.has(code);
}

/** Number of minor-unit digits of a currency (JPY 0, EUR 2, HUF 2, KWD 3); 2 for a code not in ISO 4217. */
export function currencyExponent(currency: string): number {
  return EXPONENTS.get(currency) ?? 2;
}

/** 123456 with exponent 2 → "1234.56" (exact: no float on the way). */
export function toDecimalString(amount: number, exponent: number): string {
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const frac = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${frac}` : ''}`;
}

/** 150000 HUF → "1500.00": the amount a person types into a bank form or an amount field. */
export function toMajorString(amount: number, currency: string): string {
  return toDecimalString(amount, currencyExponent(currency));
}

/** "12.5" EUR → 1250 (a comma works as the decimal mark). Rejects more decimals than the currency has, and unsafe integers. */
export function parseMoney(text: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(-)?(\d+)(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) throw new RangeError(`not an amount: ${text}`);
  const [, sign, whole, frac = ''] = match;
  if (frac.length > exponent) throw new RangeError(`${currency} has ${exponent} decimals: ${text}`);
  const minor = Number(`${whole}${frac.padEnd(exponent, '0')}`);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`too large an amount: ${text}`);
  return sign ? -minor : minor;
}

const formats = new Map<string, Intl.NumberFormat>();

/**
 * One formatter per locale and currency: making an Intl.NumberFormat (locale data) costs far more
 * than using one, and a list, a PDF or a dashboard formats many amounts.
 */
function currencyFormat(locale: string | undefined, currency: string): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    const exponent = currencyExponent(currency);
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    formats.set(key, format);
  }
  return format;
}

/**
 * Minor units for people: `formatMoney(123456, 'EUR', 'de-DE')` → "1.234,56 €",
 * `formatMoney(150000, 'HUF', 'en')` → "HUF 1,500.00". `locale` undefined: the runtime's (the browser's).
 * Throws RangeError for an amount that is not a safe integer or a code Intl cannot format.
 */
export function formatMoney(amount: number, currency: string, locale: string | undefined = 'en-US'): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError('amount must be an integer number of minor units');
  const major = toMajorString(amount, currency);
  // Intl formats a decimal string exactly (no float detour); its type says number only.
  return currencyFormat(locale, currency).format(major as unknown as number);
}
