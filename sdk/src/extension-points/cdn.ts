import type { ConnectionTestResult, ExtensionCallContext } from './common.ts';

export interface CdnSite {
  /** Provider's id. */
  id: string;
  hostname: string;
  origin: string;
  status: 'pending' | 'active' | 'paused' | 'error';
  /** The CNAME target the customer points its hostname at. */
  cnameTarget?: string;
  tls?: 'none' | 'pending' | 'active';
}

export interface CdnUsage {
  from: string;
  to: string;
  bandwidthBytes: number;
  requests: number;
  cacheHitRatio?: number;
}

/** A CDN / edge provider (Cloudflare, Bunny, Fastly). */
export interface CdnProvider<TSettings = Record<string, unknown>> {
  displayName: string;
  /** Idempotent per hostname. */
  createSite(ctx: ExtensionCallContext<TSettings>, input: { hostname: string; origin: string; options?: Record<string, unknown> }): Promise<CdnSite>;
  getSite(ctx: ExtensionCallContext<TSettings>, siteId: string): Promise<CdnSite>;
  updateSite?(ctx: ExtensionCallContext<TSettings>, siteId: string, changes: { origin?: string; options?: Record<string, unknown> }): Promise<CdnSite>;
  deleteSite(ctx: ExtensionCallContext<TSettings>, siteId: string): Promise<void>;
  /** Purges everything, or only the given URLs / prefixes. */
  purge(ctx: ExtensionCallContext<TSettings>, siteId: string, paths?: string[]): Promise<void>;
  usage?(ctx: ExtensionCallContext<TSettings>, siteId: string, range: { from: string; to: string }): Promise<CdnUsage>;
  testConnection(ctx: ExtensionCallContext<TSettings>): Promise<ConnectionTestResult>;
}
