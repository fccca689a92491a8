/**
 * A plan's suspension policy: what a suspended account loses (HOSTING.md §6.1). `web` is how its
 * sites answer (a 503 page, or switched off); the booleans say whether SFTP, database access,
 * cron and incoming mail are switched off. The defaults are the API's: everything off but
 * incoming mail — a suspension that leaves SFTP or cron working is the sentora#131 failure.
 */
import type { SuspensionPolicy } from './types.ts';

export const SUSPENSION_SWITCHES = ['sftp', 'db', 'cron', 'mailReceive'] as const;
export const WEB_MODES = ['503', 'off'] as const;
const DEFAULTS: Required<SuspensionPolicy> = { web: '503', sftp: true, db: true, cron: true, mailReceive: false };

/** The form's values: `suspend.web` (a mode) and one checkbox per switch. */
export function policyValues(policy: SuspensionPolicy | null | undefined): Record<string, string | boolean> {
  const p = { ...DEFAULTS, ...(policy ?? {}) };
  return { 'suspend.web': p.web, ...Object.fromEntries(SUSPENSION_SWITCHES.map((k) => [`suspend.${k}`, p[k]])) };
}

export function policyFromValues(values: Record<string, string | boolean>): Required<SuspensionPolicy> {
  const web = values['suspend.web'] === 'off' ? 'off' : '503';
  const out: Required<SuspensionPolicy> = { ...DEFAULTS, web };
  for (const k of SUSPENSION_SWITCHES) out[k] = values[`suspend.${k}`] === true;
  return out;
}
