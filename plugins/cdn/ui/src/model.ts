/** What the panel shows and sends: the cdn plugin's API (`/api/v1/cdn/sites`). */
export const CDN_PERMISSIONS = { read: 'cdn.read', write: 'cdn.write', purge: 'cdn.purge' } as const;

export interface CacheSettings {
  cacheLevel: 'basic' | 'simplified' | 'aggressive';
  browserCacheTtl: number;
  developmentMode: boolean;
  alwaysUseHttps: boolean;
}

export interface CdnSite {
  id: string;
  websiteId: string;
  accountId: string;
  hostname: string;
  origin: string;
  provider: string;
  status: 'enabling' | 'pending' | 'active' | 'paused' | 'disabled' | 'error';
  statusDetail: string | null;
  nameServers: string[];
  cacheSettings: CacheSettings | null;
  lastPurgeAt: string | null;
  lastPurge: { kind: 'everything' | 'urls' | 'prefixes'; count: number } | null;
  lastError: string | null;
  lastErrorAt: string | null;
  checkedAt: string | null;
}

export const STATUS_LABELS: Record<CdnSite['status'], string> = {
  enabling: 'Being enabled',
  pending: 'Waiting for DNS',
  active: 'Active',
  paused: 'Paused',
  disabled: 'Off',
  error: 'Failed',
};

/** Cloudflare's browser cache TTL choices, labelled. */
export const TTL_CHOICES: Array<{ value: number; label: string }> = [
  [0, 'Respect existing headers'], [1800, '30 minutes'], [3600, '1 hour'], [7200, '2 hours'], [14400, '4 hours'],
  [28800, '8 hours'], [86400, '1 day'], [172800, '2 days'], [691200, '8 days'], [2678400, '1 month'], [31536000, '1 year'],
].map(([value, label]) => ({ value: Number(value), label: String(label) }));

export type PurgeKind = 'everything' | 'urls' | 'prefixes';

/** The purge request for what the user typed: one URL or prefix per line. */
export function purgeBody(kind: PurgeKind, text: string): { everything: true } | { urls: string[] } | { prefixes: string[] } {
  if (kind === 'everything') return { everything: true };
  const items = text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  return kind === 'urls' ? { urls: items } : { prefixes: items };
}

/** A refused input's field errors (400), otherwise the API's message (the provider's words for a 502 or 429). */
export function errorText(err: unknown): string {
  const { details, status } = err as { details?: Record<string, string>; status?: number };
  if (status === 400 && details && typeof details === 'object') {
    const entries = Object.entries(details);
    if (entries.length) return entries.map(([k, v]) => `${k}: ${v}`).join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}
