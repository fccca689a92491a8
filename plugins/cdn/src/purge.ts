import { ValidationError, type CdnPurgeTarget } from '@mpanel/sdk';

/** At most this many URLs or prefixes in one purge request (Cloudflare's limit per call for prefixes). */
export const MAX_PURGE_ITEMS = 30;

export const purgeBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    everything: { type: 'boolean', enum: [true] },
    urls: { type: 'array', minItems: 1, maxItems: MAX_PURGE_ITEMS, items: { type: 'string', minLength: 1, maxLength: 2048 } },
    prefixes: { type: 'array', minItems: 1, maxItems: MAX_PURGE_ITEMS, items: { type: 'string', minLength: 1, maxLength: 2048 } },
  },
} as const;

export type PurgeBody = { everything: true } | { urls: string[] } | { prefixes: string[] };

/**
 * Checks a purge request against the site's hostname and normalises it: URLs must be http(s) URLs
 * on the hostname (no credentials, no fragment); prefixes may be given as `/path`, `host/path` or a
 * URL on the hostname and are sent as `host/path` (no scheme, no query), as Cloudflare documents.
 * Any bad entry refuses the whole request with a field error per entry, and nothing is sent.
 */
export function normalisePurge(hostname: string, body: PurgeBody): CdnPurgeTarget {
  if ('everything' in body) return { everything: true };
  const errors: Record<string, string> = {};
  if ('urls' in body) {
    const urls = body.urls.map((raw, i) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        errors[`urls[${i}]`] = 'is not a URL (write it in full: https://host/path)';
        return '';
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') errors[`urls[${i}]`] = 'must be an http or https URL';
      else if (url.username || url.password) errors[`urls[${i}]`] = 'must not contain credentials';
      else if (url.hostname.toLowerCase() !== hostname) errors[`urls[${i}]`] = `must be on ${hostname}`;
      else if (url.port) errors[`urls[${i}]`] = 'must not name a port';
      url.hash = '';
      return url.toString();
    });
    if (Object.keys(errors).length) throw new ValidationError(errors, 'Some URLs cannot be purged');
    return { urls: [...new Set(urls)] };
  }
  const prefixes = body.prefixes.map((raw, i) => {
    let rest = raw.trim();
    if (/^https?:\/\//i.test(rest)) rest = rest.replace(/^https?:\/\//i, '');
    else if (/^[a-z][a-z0-9+.-]*:/i.test(rest)) {
      errors[`prefixes[${i}]`] = 'must be a path (/images) or a URL on the site';
      return '';
    }
    if (rest.startsWith('/')) rest = `${hostname}${rest}`;
    const slash = rest.indexOf('/');
    const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
    const path = slash < 0 ? '' : rest.slice(slash);
    if (host !== hostname) errors[`prefixes[${i}]`] = `must be on ${hostname}`;
    else if (/[?#\s@]/.test(path) || path.includes('*')) errors[`prefixes[${i}]`] = 'must be a plain path (no query, fragment, spaces or wildcards)';
    return `${host}${path}`;
  });
  if (Object.keys(errors).length) throw new ValidationError(errors, 'Some prefixes cannot be purged');
  return { prefixes: [...new Set(prefixes)] };
}
