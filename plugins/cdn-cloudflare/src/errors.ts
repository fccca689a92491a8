import Cloudflare from 'cloudflare';
import { CdnProviderError } from '@mpanel/sdk';

interface CfErrorItem { code?: number; message?: string }

/** Cloudflare's `errors` of an API error, as `message (code N)` joined. */
function describe(errors: CfErrorItem[]): string {
  const parts = errors.filter((e) => e && (e.message || e.code)).map((e) => (e.code ? `${e.message ?? 'error'} (code ${e.code})` : String(e.message)));
  return parts.join('; ');
}

/**
 * Cloudflare SDK errors as `CdnProviderError`s with messages a hosting company can act on. The
 * SDK has already retried 429, 409, 5xx and network errors `maxRetries` times with backoff (honouring
 * Retry-After) when this runs.
 */
export function toCdnError(err: unknown, what: string, retries: number): CdnProviderError {
  if (err instanceof CdnProviderError) return err;
  if (err instanceof Cloudflare.APIConnectionTimeoutError) return new CdnProviderError(`Cloudflare did not answer in time while trying to ${what}; try again later`, 'UNAVAILABLE');
  if (err instanceof Cloudflare.APIConnectionError) return new CdnProviderError(`Cloudflare could not be reached while trying to ${what}; try again later`, 'UNAVAILABLE');
  if (err instanceof Cloudflare.APIError) {
    const errors = ((err as { errors?: CfErrorItem[] }).errors ?? []) as CfErrorItem[];
    const detail = describe(errors) || `HTTP ${err.status}`;
    const codes = errors.map((e) => e.code);
    if (err.status === 401 || codes.includes(10000) || codes.includes(9109) || codes.includes(6003)) {
      return new CdnProviderError(`Cloudflare refused the API token: ${detail}. Check the token in the Cloudflare CDN settings and that it may edit zones, DNS, zone settings and purge the cache`, 'AUTH');
    }
    if (err.status === 403) return new CdnProviderError(`The Cloudflare API token may not ${what}: ${detail}`, 'AUTH');
    if (err.status === 429) {
      const header = err.headers?.get?.('retry-after');
      const wait = header && /^\d+$/.test(header) ? Number(header) : undefined;
      return new CdnProviderError(`Cloudflare is rate limiting requests (still limited after ${retries} ${retries === 1 ? 'retry' : 'retries'}); try again${wait ? ` in ${wait} s` : ' later'}`, 'RATE_LIMITED', wait);
    }
    if (err.status === 404) return new CdnProviderError(`Cloudflare does not know it any more (${detail}) while trying to ${what}`, 'NOT_FOUND');
    if (err.status !== undefined && err.status >= 500) return new CdnProviderError(`Cloudflare failed while trying to ${what} (${detail}); try again later`, 'UNAVAILABLE');
    return new CdnProviderError(`Cloudflare refused to ${what}: ${detail}`, 'INVALID');
  }
  return new CdnProviderError(`Could not ${what}: ${err instanceof Error ? err.message : String(err)}`, 'UNAVAILABLE');
}
