export type Health = 'ok' | 'pending' | 'failing' | 'renewal_failing' | 'expiring' | 'expired';

export interface Certificate {
  id: string; names: string[]; primaryName: string; siteId: string | null; clientId: string | null; challenge: string;
  status: string; health: Health; autoRenew: boolean; notBefore: string | null; notAfter: string | null; renewAt: string | null;
  failureCount: number; nextAttemptAt: string | null; lastError: string | null; lastErrorAt: string | null; inProgress: boolean;
  issuedAt: string | null; installedAt: string | null; issuer: string | null;
}

export interface Summary { total: number; ok: number; pending: number; failing: number; renewal_failing: number; expiring: number; expired: number; attention: number }

/** PrimeVue Tag severities per health. */
export const SEVERITY: Record<Health, 'success' | 'info' | 'warn' | 'danger' | 'secondary'> = {
  ok: 'success', pending: 'info', failing: 'danger', renewal_failing: 'warn', expiring: 'warn', expired: 'danger',
};
