/**
 * A plan's limits as a form and back, and an account's usage against them. Every numeric limit
 * is a whole number or empty (unlimited, stored as null); PHP versions are a comma-separated
 * list in the form. The API validates again: this only spares a round trip and names the field.
 */
import type { HostingPlanLimits } from './types.ts';

/** The numeric limits the plan form edits, in the order it shows them. */
export const NUMERIC_LIMITS = ['diskMb', 'sites', 'databases', 'cronJobs', 'memoryMb', 'phpMaxChildren', 'inodes', 'bandwidthMb', 'mailDomains', 'mailboxes', 'mailboxQuotaMb'] as const;
export type NumericLimit = (typeof NUMERIC_LIMITS)[number];

/** Limits that must have a value (the server needs a worker count for the PHP-FPM pool). */
const REQUIRED: ReadonlySet<NumericLimit> = new Set(['phpMaxChildren']);
const PHP_VERSION = /^\d+\.\d+$/;
/** The API's ceiling for any one limit (a typo of a few zeros is caught here). */
export const MAX_LIMIT = 1_000_000_000;

export type LimitValues = Record<string, string | boolean>;

/** The form's initial values for a plan (a new plan: PHP 8.2, 5 workers, the rest unlimited). */
export function limitValues(limits?: Partial<HostingPlanLimits> | null): LimitValues {
  const values: LimitValues = {};
  for (const key of NUMERIC_LIMITS) {
    const v = limits?.[key];
    values[key] = v === null || v === undefined ? (key === 'phpMaxChildren' && !limits ? '5' : '') : String(v);
  }
  values.phpVersions = (limits?.phpVersions ?? ['8.2']).join(', ');
  return values;
}

/**
 * The limits the form's values describe, or per-field errors (i18n keys) when a value is not a
 * whole number in range, a required one is empty, or a PHP version is not `major.minor`.
 */
export function limitsFromValues(values: LimitValues): { limits: HostingPlanLimits; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const out: Record<string, unknown> = {};
  for (const key of NUMERIC_LIMITS) {
    const text = String(values[key] ?? '').trim();
    if (text === '') {
      if (REQUIRED.has(key)) errors[key] = 'hosting.error.required';
      out[key] = null;
      continue;
    }
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n > MAX_LIMIT || (REQUIRED.has(key) && n < 1)) errors[key] = 'hosting.error.wholeNumber';
    out[key] = n;
  }
  const versions = String(values.phpVersions ?? '').split(/[\s,]+/).filter(Boolean);
  if (!versions.length) errors.phpVersions = 'hosting.error.required';
  else if (versions.some((v) => !PHP_VERSION.test(v))) errors.phpVersions = 'hosting.error.phpVersion';
  out.phpVersions = [...new Set(versions)];
  return { limits: out as unknown as HostingPlanLimits, errors };
}

export interface UsageRow {
  key: string;
  used: number;
  /** null: unlimited. */
  limit: number | null;
  /** 0–100 (capped), null when unlimited. */
  percent: number | null;
  over: boolean;
}

/**
 * What the account uses against its plan: disk from the server's usage report, sites, databases
 * and cron jobs from the resources it has. A row over its limit (a plan downgraded under the
 * usage) is flagged.
 */
export function usageRows(limits: Partial<HostingPlanLimits> | null | undefined, used: { diskMb?: number; sites: number; databases: number; cronJobs: number }): UsageRow[] {
  const rows: Array<[string, number, number | null | undefined]> = [
    ['diskMb', used.diskMb ?? 0, limits?.diskMb],
    ['sites', used.sites, limits?.sites],
    ['databases', used.databases, limits?.databases],
    ['cronJobs', used.cronJobs, limits?.cronJobs],
  ];
  return rows.map(([key, value, limit]) => {
    const max = limit ?? null;
    const percent = max === null ? null : max === 0 ? (value > 0 ? 100 : 0) : Math.min(100, Math.round((value / max) * 100));
    return { key, used: value, limit: max, percent, over: max !== null && value > max };
  });
}

/** Whether one more of a resource fits the plan (the add button is then offered). */
export const roomFor = (limit: number | null | undefined, count: number): boolean => limit === null || limit === undefined || count < limit;
