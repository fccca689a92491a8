import { mulDivHalfUp } from './money.ts';
import { compareDates, type IsoDate } from './dates.ts';

/** Tax rates are integers in parts per million of the amount: 21% = 210000, 9.975% = 99750. */
export const PPM = 1_000_000;

/** "9.975" (percent) → 99750 ppm. At most 4 decimals. */
export function percentToPpm(percent: string | number): number {
  const text = String(percent).trim();
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(text);
  if (!m) throw new RangeError(`not a tax rate: ${text}`);
  return Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
}

export function ppmToPercent(ppm: number): string {
  const whole = Math.floor(ppm / 10_000);
  const frac = String(ppm % 10_000).padStart(4, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

export interface TaxRule {
  name: string;
  /** ISO 3166 alpha-2; null = every country. */
  country: string | null;
  /** State/province code; null = the whole country. */
  state: string | null;
  ratePpm: number;
  /** 1 = the main tax (GST, VAT); 2 = a second tax on top (PST, QST). */
  level: 1 | 2;
  /** Level 2 only: charged on net + level-1 tax (Quebec's historic QST), not on net alone. */
  compound: boolean;
  /** Inclusive bounds; null = open. */
  validFrom: IsoDate | null;
  validTo: IsoDate | null;
}

export interface AppliedRules {
  level1: TaxRule | null;
  level2: TaxRule | null;
}

export interface TaxLocation {
  country: string;
  state: string | null;
  date: IsoDate;
}

function specificity(rule: TaxRule): number {
  return (rule.country ? 1 : 0) + (rule.state ? 2 : 0);
}

function matches(rule: TaxRule, where: TaxLocation): boolean {
  if (rule.country && rule.country !== where.country) return false;
  if (rule.state && rule.state !== where.state) return false;
  if (rule.validFrom && compareDates(where.date, rule.validFrom) < 0) return false;
  if (rule.validTo && compareDates(where.date, rule.validTo) > 0) return false;
  return true;
}

/** The most specific valid rule per level (state beats country beats everywhere). */
export function applicableTaxRules(rules: readonly TaxRule[], where: TaxLocation): AppliedRules {
  const pick = (level: 1 | 2): TaxRule | null => {
    let best: TaxRule | null = null;
    for (const rule of rules) {
      if (rule.level !== level || !matches(rule, where)) continue;
      if (!best || specificity(rule) > specificity(best)) best = rule;
    }
    return best;
  };
  return { level1: pick(1), level2: pick(2) };
}

export const NO_TAX: AppliedRules = { level1: null, level2: null };

export interface LineTax {
  /** The amount before tax. */
  net: number;
  tax1: number;
  tax2: number;
  /** net + tax1 + tax2, exactly. */
  gross: number;
}

/**
 * Tax of one line, rounded half-up in minor units per line and per level.
 * Exclusive pricing: `amount` is net. Inclusive pricing: `amount` is what the client pays; the net
 * is derived and level 2 takes the rounding remainder so net + taxes equals the price exactly.
 */
export function taxLine(amount: number, applied: AppliedRules, inclusive: boolean): LineTax {
  const r1 = applied.level1?.ratePpm ?? 0;
  const r2 = applied.level2?.ratePpm ?? 0;
  const compound = applied.level2?.compound ?? false;
  if (!inclusive) {
    const tax1 = mulDivHalfUp(amount, r1, PPM);
    const tax2 = mulDivHalfUp(compound ? amount + tax1 : amount, r2, PPM);
    return { net: amount, tax1, tax2, gross: amount + tax1 + tax2 };
  }
  const net = compound
    ? mulDivHalfUp(amount, PPM * PPM, (PPM + r1) * (PPM + r2))
    : mulDivHalfUp(amount, PPM, PPM + r1 + r2);
  if (r2 === 0) return { net, tax1: amount - net, tax2: 0, gross: amount };
  const tax1 = mulDivHalfUp(net, r1, PPM);
  return { net, tax1, tax2: amount - net - tax1, gross: amount };
}

/** Net price of an inclusive amount without charging the tax (exempt / reverse-charge clients). */
export function netOfInclusive(amount: number, applied: AppliedRules): number {
  return taxLine(amount, applied, true).net;
}

/** EU member states by ISO code; VAT numbers use the same prefix except Greece (EL). */
export const EU_COUNTRIES = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU',
  'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
]);

function vatPrefix(country: string): string {
  return country === 'GR' ? 'EL' : country;
}

/** Syntactic check only (prefix + 2-13 characters); VIES lookups are a later concern. */
export function looksLikeEuVatNumber(taxId: string, country: string): boolean {
  const compact = taxId.replace(/[\s.-]/g, '').toUpperCase();
  return compact.startsWith(vatPrefix(country)) && /^[A-Z]{2}[0-9A-Z]{2,13}$/.test(compact);
}

export interface ReverseChargeInput {
  sellerCountry: string | null;
  buyerCountry: string;
  buyerTaxId: string | null;
  buyerIsBusiness: boolean;
}

/** EU B2B across borders: the buyer accounts for the VAT, the invoice carries none. */
export function isEuReverseCharge(input: ReverseChargeInput): boolean {
  const { sellerCountry, buyerCountry, buyerTaxId } = input;
  return Boolean(
    input.buyerIsBusiness && sellerCountry && buyerTaxId &&
    EU_COUNTRIES.has(sellerCountry) && EU_COUNTRIES.has(buyerCountry) && sellerCountry !== buyerCountry &&
    looksLikeEuVatNumber(buyerTaxId, buyerCountry),
  );
}
