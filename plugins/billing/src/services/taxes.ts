import type { Billing } from '../context.ts';
import { isoDate, isoTime } from '../db.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { InvoiceTaxSetup } from '../domain/invoice.ts';
import { applicableTaxRules, isEuReverseCharge, ppmToPercent, type TaxRule } from '../domain/tax.ts';

export interface TaxRuleInput {
  name: string;
  country?: string | null;
  state?: string | null;
  /** Percent as a decimal string or number, up to 4 decimals ("9.975"). */
  rate: string | number;
  level?: 1 | 2;
  compound?: boolean;
  validFrom?: string | null;
  validTo?: string | null;
}

export function toTaxRule(row: Record<string, unknown>): TaxRule {
  return {
    name: row.name as string,
    country: (row.country as string | null) ?? null,
    state: (row.state as string | null) ?? null,
    ratePpm: Number(row.rate_ppm),
    level: Number(row.level) as 1 | 2,
    compound: row.compound as boolean,
    validFrom: isoDate(row.valid_from),
    validTo: isoDate(row.valid_to),
  };
}

export function taxRuleView(row: Record<string, unknown>) {
  const rule = toTaxRule(row);
  return { id: row.id as string, ...rule, rate: ppmToPercent(rule.ratePpm), createdAt: isoTime(row.created_at) };
}

export async function loadTaxRules(b: Billing): Promise<TaxRule[]> {
  return ((await b.db('tax_rules').select('*')) as Array<Record<string, unknown>>).map(toTaxRule);
}

export interface TaxedClient {
  country: string;
  state: string | null;
  tax_exempt: boolean;
  tax_id: string | null;
  company_name: string | null;
}

/** How an invoice for this client on this date is taxed (rules, pricing mode, exemption, reverse charge). */
export function taxSetupFor(b: Billing, rules: readonly TaxRule[], client: TaxedClient, date: IsoDate): InvoiceTaxSetup {
  return {
    rules: applicableTaxRules(rules, { country: client.country, state: client.state, date }),
    inclusive: b.settings.pricesIncludeTax,
    exempt: client.tax_exempt,
    reverseCharge: isEuReverseCharge({
      sellerCountry: b.settings.sellerCountry,
      buyerCountry: client.country,
      buyerTaxId: client.tax_id,
      buyerIsBusiness: Boolean(client.company_name),
    }),
  };
}
