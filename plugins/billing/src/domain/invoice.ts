import { assertMinorUnits, sum } from './money.ts';
import { NO_TAX, taxLine, type AppliedRules, type TaxRule } from './tax.ts';

export interface DraftLine {
  description: string;
  /** Unit price in minor units (net or gross depending on the tenant's pricing). */
  unitAmount: number;
  quantity: number;
  /** A coupon discount for the whole line (≥ 0, ≤ unitAmount × quantity for positive lines). */
  discount: number;
  taxable: boolean;
}

export interface ComputedLine extends DraftLine {
  /** unitAmount × quantity − discount: what the line costs as priced. */
  amount: number;
  net: number;
  tax1: number;
  tax2: number;
  total: number;
}

export interface TaxBreakdownEntry {
  name: string;
  level: 1 | 2;
  ratePpm: number;
  amount: number;
}

export interface ComputedInvoice {
  lines: ComputedLine[];
  subtotal: number;
  tax: number;
  total: number;
  taxBreakdown: TaxBreakdownEntry[];
  /** Why no tax was charged, printed on the invoice. */
  taxNote: string | null;
}

export interface InvoiceTaxSetup {
  rules: AppliedRules;
  /** The tenant's prices include tax. */
  inclusive: boolean;
  exempt: boolean;
  reverseCharge: boolean;
}

/**
 * Totals of an invoice, tax rounded per line: subtotal = Σ line nets, tax = Σ line taxes and
 * total = subtotal + tax = Σ line totals, always, because every figure is a sum of integers.
 * Exempt and reverse-charge clients pay the net price (inclusive prices have their tax removed).
 */
export function computeInvoice(drafts: readonly DraftLine[], setup: InvoiceTaxSetup): ComputedInvoice {
  const untaxed = setup.exempt || setup.reverseCharge;
  const lines = drafts.map((d): ComputedLine => {
    assertMinorUnits(d.unitAmount, 'unitAmount');
    assertMinorUnits(d.discount, 'discount');
    if (!Number.isInteger(d.quantity) || d.quantity < 1) throw new RangeError('quantity must be a positive integer');
    const amount = d.unitAmount * d.quantity - d.discount;
    const rules = d.taxable ? setup.rules : NO_TAX;
    const t = taxLine(amount, rules, setup.inclusive);
    if (untaxed) return { ...d, amount, net: t.net, tax1: 0, tax2: 0, total: t.net };
    return { ...d, amount, net: t.net, tax1: t.tax1, tax2: t.tax2, total: t.gross };
  });
  const subtotal = sum(lines.map((l) => l.net));
  const tax = sum(lines.map((l) => l.tax1 + l.tax2));
  return {
    lines,
    subtotal,
    tax,
    total: subtotal + tax,
    taxBreakdown: untaxed ? [] : breakdown(lines, setup.rules),
    taxNote: setup.reverseCharge ? 'Reverse charge: VAT to be accounted for by the recipient' : setup.exempt ? 'Tax exempt' : null,
  };
}

function breakdown(lines: readonly ComputedLine[], rules: AppliedRules): TaxBreakdownEntry[] {
  const out: TaxBreakdownEntry[] = [];
  const add = (rule: TaxRule | null, level: 1 | 2, amount: number) => {
    if (rule && amount !== 0) out.push({ name: rule.name, level, ratePpm: rule.ratePpm, amount });
  };
  add(rules.level1, 1, sum(lines.map((l) => l.tax1)));
  add(rules.level2, 2, sum(lines.map((l) => l.tax2)));
  return out;
}
