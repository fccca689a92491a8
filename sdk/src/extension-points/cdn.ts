import type { ConnectionTestResult, ExtensionCallContext } from './common.ts';

export interface CdnSite {
  /** Provider's id. */
  id: string;
  hostname: string;
  origin: string;
  status: 'pending' | 'active' | 'paused' | 'error';
  /** The CNAME target the customer points its hostname at. */
  cnameTarget?: string;
  /** Nameservers the customer's domain must use (Cloudflare full zones), when that is how it goes live. */
  nameServers?: string[];
  tls?: 'none' | 'pending' | 'active';
  /** Why the status is what it is, in plain words (`zone pending: point the domain's nameservers at …`). */
  statusDetail?: string;
}

/**
 * Cache settings a provider applies to a site. With Cloudflare they are the zone's settings, shared
 * by every hostname of that zone.
 */
export interface CdnCacheSettings {
  /** How much of the query string makes the cache key: basic (none), simplified (ignore), aggressive (all). */
  cacheLevel: 'basic' | 'simplified' | 'aggressive';
  /** Seconds browsers keep cached assets; 0 respects the origin's headers. */
  browserCacheTtl: number;
  /** Bypass the cache while the site is being worked on. */
  developmentMode: boolean;
  /** Redirect every http:// request to https://. */
  alwaysUseHttps: boolean;
}

/** What to purge: everything of the site (its hostname only, never other sites sharing a zone), or full URLs, or prefixes (`host/path`, no scheme). */
export type CdnPurgeTarget =
  | { everything: true }
  | { urls: string[] }
  | { prefixes: string[] };

export type CdnProviderErrorCode =
  /** The provider refused the input (a bad value, a purge outside the zone): not retried. */
  | 'INVALID'
  | 'NOT_FOUND'
  /** Wrong or missing API token, or a token without the needed permission: not retried. */
  | 'AUTH'
  /** Rate limited after the provider's own bounded retries. */
  | 'RATE_LIMITED'
  /** Down, timed out, 5xx. */
  | 'UNAVAILABLE';

/** What a CdnProvider throws so the cdn plugin shows a clear message and knows whether to retry. */
export class CdnProviderError extends Error {
  readonly retryable: boolean;
  constructor(
    message: string,
    readonly code: CdnProviderErrorCode,
    /** Seconds the provider asked to wait (429 Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'CdnProviderError';
    this.retryable = code === 'UNAVAILABLE' || code === 'RATE_LIMITED';
  }
}

export interface CdnUsage {
  from: string;
  to: string;
  bandwidthBytes: number;
  requests: number;
  cacheHitRatio?: number;
}

/** A CDN / edge provider (Cloudflare, Bunny, Fastly). Errors are `CdnProviderError`s. */
export interface CdnProvider<TSettings = Record<string, unknown>> {
  displayName: string;
  /** Idempotent per hostname. */
  createSite(ctx: ExtensionCallContext<TSettings>, input: { hostname: string; origin: string; options?: Record<string, unknown> }): Promise<CdnSite>;
  getSite(ctx: ExtensionCallContext<TSettings>, siteId: string): Promise<CdnSite>;
  updateSite?(ctx: ExtensionCallContext<TSettings>, siteId: string, changes: { origin?: string; options?: Record<string, unknown> }): Promise<CdnSite>;
  /** Stops serving the hostname through the CDN (traffic goes straight to the origin again). */
  deleteSite(ctx: ExtensionCallContext<TSettings>, siteId: string): Promise<void>;
  /** Purges everything, or only the given URLs / prefixes. */
  purge(ctx: ExtensionCallContext<TSettings>, siteId: string, target: CdnPurgeTarget): Promise<void>;
  /** The site's cache settings as the provider has them. */
  getCacheSettings?(ctx: ExtensionCallContext<TSettings>, siteId: string): Promise<CdnCacheSettings>;
  /** Applies the given cache settings; answers all of them after the change. Refuses (`INVALID`) when they would change other sites too. */
  updateCacheSettings?(ctx: ExtensionCallContext<TSettings>, siteId: string, changes: Partial<CdnCacheSettings>): Promise<CdnCacheSettings>;
  /** Allowed `browserCacheTtl` values when the provider has a fixed list (Cloudflare does). */
  browserCacheTtlChoices?: readonly number[];
  usage?(ctx: ExtensionCallContext<TSettings>, siteId: string, range: { from: string; to: string }): Promise<CdnUsage>;
  testConnection(ctx: ExtensionCallContext<TSettings>): Promise<ConnectionTestResult>;
}
