import { parseIsoDate, type IsoDate } from './dates.ts';

export const DEFAULT_INVOICE_NUMBER_FORMAT = 'INV-{YYYY}-{SEQ:5}';
export const DEFAULT_CREDIT_NOTE_NUMBER_FORMAT = 'CN-{YYYY}-{SEQ:5}';

const TOKEN = /\{(YYYY|YY|MM|DD|SEQ)(?::(\d{1,2}))?\}/g;

export function isValidNumberFormat(format: string): boolean {
  return /\{SEQ(?::\d{1,2})?\}/.test(format) && format.replace(TOKEN, '').indexOf('{') === -1;
}

/**
 * `INV-{YYYY}-{SEQ:5}` with issue date 2026-03-01 and sequence 42 → `INV-2026-00042`.
 * `{SEQ:n}` pads to n digits (never truncates); the sequence itself comes from the per-tenant
 * counter row, locked while an invoice is issued so numbers have no gaps.
 */
export function formatInvoiceNumber(format: string, issueDate: IsoDate, seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError('sequence must be a positive integer');
  const { year, month, day } = parseIsoDate(issueDate);
  return format.replace(TOKEN, (_m, token: string, width?: string) => {
    switch (token) {
      case 'YYYY': return String(year);
      case 'YY': return String(year % 100).padStart(2, '0');
      case 'MM': return String(month).padStart(2, '0');
      case 'DD': return String(day).padStart(2, '0');
      default: return String(seq).padStart(width ? Number(width) : 0, '0');
    }
  });
}
