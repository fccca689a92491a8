/**
 * When to renew, when to retry and when to shout (HOSTING.md §4.3, "Renewal scheduling"): renew
 * once a third of the lifetime is left (so 45-day certificates work), spread by a jitter; retry a
 * failure after 1 h, 2 h, 4 h … at most 24 h; alert staff and client once less than a sixth of the
 * lifetime is left. Pure functions of the certificate's dates and the clock.
 */

export const HOUR_MS = 3_600_000;
export const BACKOFF_MIN_MS = HOUR_MS;
export const BACKOFF_MAX_MS = 24 * HOUR_MS;

/** Deterministic 0..1 from a string (the certificate id): the same certificate keeps its jitter. */
export function unitHash(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 0xffffffff;
}

/**
 * notBefore + ⅔·lifetime, moved earlier by up to min(lifetime/30, 24 h) of jitter (so renewals of
 * certificates issued together spread out, and the renewal never slips past the ⅔ point).
 */
export function renewAt(notBefore: Date, notAfter: Date, seed: string): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  if (!(lifetime > 0)) return new Date(notBefore.getTime());
  const jitter = Math.min(lifetime / 30, 24 * HOUR_MS) * unitHash(seed);
  return new Date(notBefore.getTime() + (2 * lifetime) / 3 - jitter);
}

/** Delay before retry number `failures` (1 after the first failure): 1 h, 2 h, 4 h … capped at 24 h. */
export function backoffMs(failures: number): number {
  if (!(failures >= 1)) return BACKOFF_MIN_MS;
  const exp = Math.min(failures - 1, 10);
  return Math.min(BACKOFF_MIN_MS * 2 ** exp, BACKOFF_MAX_MS);
}

/** The next attempt after failure number `failures`. */
export function nextAttemptAt(now: Date, failures: number): Date {
  return new Date(now.getTime() + backoffMs(failures));
}

/** The moment from which less than a sixth of the lifetime is left. */
export function alertFrom(notBefore: Date, notAfter: Date): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return new Date(notAfter.getTime() - lifetime / 6);
}

export type CertificateHealth = 'ok' | 'pending' | 'failing' | 'renewal_failing' | 'expiring' | 'expired';

export interface ScheduleRow {
  status: string;
  not_before: Date | string | null;
  not_after: Date | string | null;
  failure_count: number;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

/**
 * What staff and client see at a glance: `expired` (not_after passed), `expiring` (less than a sixth
 * left), `renewal_failing` (valid but the last renewal failed), `failing` (never issued, last attempt
 * failed), `pending`, `ok`.
 */
export function healthOf(row: ScheduleRow, now: Date): CertificateHealth {
  const nb = date(row.not_before);
  const na = date(row.not_after);
  if (na && na.getTime() <= now.getTime()) return 'expired';
  if (nb && na && alertFrom(nb, na).getTime() <= now.getTime()) return 'expiring';
  if (na && row.failure_count > 0) return 'renewal_failing';
  if (!na) return row.failure_count > 0 || row.status === 'failed' ? 'failing' : 'pending';
  return 'ok';
}

/** Whether an expiry alert is due now for this lifetime (none was sent for this not_after yet). */
export function alertDue(row: ScheduleRow & { alerted_for: Date | string | null }, now: Date): boolean {
  const nb = date(row.not_before);
  const na = date(row.not_after);
  if (!nb || !na) return false;
  if (alertFrom(nb, na).getTime() > now.getTime()) return false;
  const alerted = date(row.alerted_for);
  return !alerted || alerted.getTime() !== na.getTime();
}
