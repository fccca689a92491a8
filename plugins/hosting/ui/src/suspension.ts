/**
 * A plan's suspension policy: what a suspended account loses (HOSTING.md §6.1). Each is on by
 * default — a suspension that leaves SFTP or cron working is the sentora#131 failure.
 */
import type { SuspensionPolicy } from './types.ts';

export const SUSPENSION_KEYS = ['web', 'sftp', 'db', 'cron'] as const;

export function policyValues(policy: SuspensionPolicy | null | undefined): Record<string, boolean> {
  return Object.fromEntries(SUSPENSION_KEYS.map((k) => [k, policy?.[k] !== false]));
}

/** The form's `suspend.<key>` checkboxes as the policy object. */
export function policyFromValues(values: Record<string, string | boolean>): Required<SuspensionPolicy> {
  const out = {} as Required<SuspensionPolicy>;
  for (const k of SUSPENSION_KEYS) out[k] = values[`suspend.${k}`] !== false;
  return out;
}
