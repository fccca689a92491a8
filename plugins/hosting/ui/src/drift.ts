/**
 * Billing's intent next to what the server really has. The account's `desired_state` follows
 * billing; `observed_state` is the last `observe()` answer. They disagree (drift) when the
 * states differ or reconciliation stored a drift report; a set-up still running is not drift.
 */
import type { HostingAccount } from './types.ts';

export interface StateComparison {
  intent: string;
  observed: string;
  drift: boolean;
  /** The reconciler's findings, one line each (`status: expected suspended, found active`). */
  findings: string[];
}

/** The observed state an intent expects (terminated: the account is gone). */
const EXPECTED: Record<string, string> = { active: 'active', suspended: 'suspended', terminated: 'missing' };

export function compareStates(account: Pick<HostingAccount, 'desiredState' | 'observedState' | 'drift'>): StateComparison {
  const intent = account.desiredState;
  const observed = account.observedState ?? 'unknown';
  const findings = driftFindings(account.drift);
  const mismatch = account.observedState !== null && account.observedState !== undefined && EXPECTED[intent] !== undefined && EXPECTED[intent] !== observed;
  return { intent, observed, drift: mismatch || findings.length > 0, findings };
}

/** The drift report as lines; an empty object or array means none. */
export function driftFindings(drift: unknown): string[] {
  if (!drift || typeof drift !== 'object') return [];
  if (Array.isArray(drift)) return drift.map(finding);
  return Object.entries(drift as Record<string, unknown>).map(([k, v]) => {
    if (v && typeof v === 'object' && 'expected' in v) {
      const e = v as { expected?: unknown; found?: unknown; actual?: unknown };
      return `${k}: expected ${String(e.expected)}, found ${String(e.found ?? e.actual)}`;
    }
    return `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`;
  });
}

/** One entry of the reconciler's list: `{ field, desired, observed, note }` (hosting_accounts.drift). */
function finding(d: unknown): string {
  if (typeof d === 'string') return d;
  if (!d || typeof d !== 'object') return String(d);
  const e = d as { field?: unknown; desired?: unknown; observed?: unknown; note?: unknown };
  const head = e.field !== undefined ? `${String(e.field)}: expected ${String(e.desired ?? '—')}, found ${String(e.observed ?? '—')}` : JSON.stringify(d);
  return e.note ? `${head} (${String(e.note)})` : head;
}
