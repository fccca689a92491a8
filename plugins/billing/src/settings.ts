import { CURRENCY_CODES, MAX_AMOUNT } from '@mpanel/sdk';
import type { DunningSettings } from './domain/dunning.ts';
import { DEFAULT_CREDIT_NOTE_NUMBER_FORMAT, DEFAULT_INVOICE_NUMBER_FORMAT } from './domain/numbering.ts';

/** A tenant's billing settings (`PUT /api/v1/plugins/billing/settings`). */
export interface BillingSettings {
  companyName: string | null;
  companyAddress: string | null;
  /** A data: URL (PNG/JPEG) printed on invoices. */
  logo: string | null;
  /** ISO 3166 alpha-2 of the tenant: decides EU reverse charge. */
  sellerCountry: string | null;
  sellerTaxId: string | null;
  defaultCurrency: string;
  pricesIncludeTax: boolean;
  invoiceNumberFormat: string;
  /** Credit notes' own number series. */
  creditNoteNumberFormat: string;
  /** Renewal invoices are created this many days before the due date. */
  invoiceLeadDays: number;
  autoApplyCredit: boolean;
  reminderDaysBefore: number[];
  reminderDaysAfter: number[];
  lateFeeType: 'fixed' | 'percent';
  /** fixed: minor units; percent: basis points of the invoice total. 0 = no late fee. */
  lateFeeValue: number;
  lateFeeAfterDays: number;
  /** 0 = never. */
  suspendAfterDays: number;
  terminateAfterDays: number;
  cancelUnpaidOrdersAfterDays: number;
  /** How many days from today a billing run may be dated without `force` (0 = today only). */
  billingRunDateWindowDays: number;
  /** Wholesale: a reseller's new orders of adopted products are held once a wholesale invoice is this many days overdue (0 = never). */
  wholesaleHoldNewOrdersAfterDays: number;
  /** Sender of billing mails. */
  mailFrom: string | null;
  /** Per-tenant overrides of the default mail templates, by kind (`invoice.created`...). */
  mailTemplates: Record<string, { subject: string; text: string }>;
}

export const DEFAULT_SETTINGS: BillingSettings = {
  companyName: null,
  companyAddress: null,
  logo: null,
  sellerCountry: null,
  sellerTaxId: null,
  defaultCurrency: 'USD',
  pricesIncludeTax: false,
  invoiceNumberFormat: DEFAULT_INVOICE_NUMBER_FORMAT,
  creditNoteNumberFormat: DEFAULT_CREDIT_NOTE_NUMBER_FORMAT,
  invoiceLeadDays: 7,
  autoApplyCredit: true,
  reminderDaysBefore: [3],
  reminderDaysAfter: [1, 3, 7],
  lateFeeType: 'fixed',
  lateFeeValue: 0,
  lateFeeAfterDays: 5,
  suspendAfterDays: 7,
  terminateAfterDays: 30,
  cancelUnpaidOrdersAfterDays: 14,
  billingRunDateWindowDays: 1,
  wholesaleHoldNewOrdersAfterDays: 14,
  mailFrom: null,
  mailTemplates: {},
};

const days = { type: 'integer', minimum: 0, maximum: 3650 };
const numberFormat = { type: 'string', minLength: 5, maxLength: 60, pattern: '\\{SEQ(:\\d{1,2})?\\}' };

/** A late fee in percent is basis points of the invoice total: at most the total itself. */
const MAX_PERCENT_BP = 10_000;

/** The schema of each field, without its default (`settingsSchema` adds them from DEFAULT_SETTINGS). */
const fields = {
  companyName: { type: ['string', 'null'], maxLength: 200 },
  companyAddress: { type: ['string', 'null'], maxLength: 1000 },
  logo: { type: ['string', 'null'], maxLength: 500_000, pattern: '^data:image/(png|jpeg);base64,' },
  sellerCountry: { type: ['string', 'null'], pattern: '^[A-Z]{2}$' },
  sellerTaxId: { type: ['string', 'null'], maxLength: 50 },
  defaultCurrency: { type: 'string', enum: CURRENCY_CODES },
  pricesIncludeTax: { type: 'boolean' },
  invoiceNumberFormat: numberFormat,
  creditNoteNumberFormat: numberFormat,
  invoiceLeadDays: days,
  autoApplyCredit: { type: 'boolean' },
  reminderDaysBefore: { type: 'array', items: { ...days, minimum: 1 }, maxItems: 10 },
  reminderDaysAfter: { type: 'array', items: { ...days, minimum: 1 }, maxItems: 10 },
  lateFeeType: { enum: ['fixed', 'percent'] },
  lateFeeValue: { type: 'integer', minimum: 0, maximum: MAX_AMOUNT },
  lateFeeAfterDays: days,
  suspendAfterDays: days,
  terminateAfterDays: days,
  cancelUnpaidOrdersAfterDays: days,
  billingRunDateWindowDays: { type: 'integer', minimum: 0, maximum: 31 },
  wholesaleHoldNewOrdersAfterDays: days,
  mailFrom: { type: ['string', 'null'], format: 'email' },
  mailTemplates: {
    type: 'object',
    additionalProperties: {
      type: 'object', additionalProperties: false, required: ['subject', 'text'],
      properties: { subject: { type: 'string', maxLength: 200 }, text: { type: 'string', maxLength: 20000 } },
    },
  },
} as const;

/**
 * `manifest.settings`: validated by core on PUT (the stored values merged with the change), each
 * field with its DEFAULT_SETTINGS default so the settings form shows what billing actually uses.
 */
export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, { ...schema, default: DEFAULT_SETTINGS[key as keyof BillingSettings] }])),
  // A percentage above 100 % would bill more late fee than the invoice itself.
  if: { properties: { lateFeeType: { const: 'percent' } }, required: ['lateFeeType'] },
  then: { properties: { lateFeeValue: { maximum: MAX_PERCENT_BP } } },
} as const;

/**
 * A stored number outside its field's bounds (saved before the bounds existed, or written around
 * the API) falls back to the default: `lateFeeValue: 1e300` once made every billing run of the
 * tenant fail on the same late-fee invoice, forever.
 */
function withinBounds(key: string, value: unknown): boolean {
  const schema = (fields as Record<string, { type?: unknown; minimum?: number; maximum?: number; items?: { minimum?: number; maximum?: number } }>)[key];
  const isBounded = (n: unknown, b: { minimum?: number; maximum?: number }) =>
    Number.isSafeInteger(n) && (b.minimum === undefined || (n as number) >= b.minimum) && (b.maximum === undefined || (n as number) <= b.maximum);
  if (schema?.type === 'integer') return isBounded(value, schema);
  if (schema?.type === 'array' && schema.items) return Array.isArray(value) && value.every((n) => isBounded(n, schema.items!));
  return true;
}

export function withDefaults(stored: Partial<BillingSettings>): BillingSettings {
  const out = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(stored)) {
    if (value !== undefined && withinBounds(key, value)) (out as Record<string, unknown>)[key] = value;
  }
  if (out.lateFeeType === 'percent' && out.lateFeeValue > MAX_PERCENT_BP) out.lateFeeValue = DEFAULT_SETTINGS.lateFeeValue;
  return out;
}

export function dunningOf(s: BillingSettings): DunningSettings {
  return {
    reminderDaysBefore: s.reminderDaysBefore,
    reminderDaysAfter: s.reminderDaysAfter,
    lateFee: s.lateFeeValue > 0 ? { type: s.lateFeeType, value: s.lateFeeValue, afterDays: s.lateFeeAfterDays } : null,
    suspendAfterDays: s.suspendAfterDays > 0 ? s.suspendAfterDays : null,
    terminateAfterDays: s.terminateAfterDays > 0 ? s.terminateAfterDays : null,
  };
}
