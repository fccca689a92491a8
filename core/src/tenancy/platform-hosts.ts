import { isIP } from 'node:net';
import type { Config } from '../config/config.ts';

/** A host name as a tenant may claim it: letters, digits and hyphens in dot-separated labels. */
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** Lower case, no trailing dot. */
export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Why a tenant may not claim `domain`, or undefined when it may: the platform's own host names
 * (PUBLIC_URL's, MPANEL_PLATFORM_DOMAINS), `localhost` and anything under it, IP literals, and
 * names that are not fully qualified host names.
 */
export function reservedDomainReason(domain: string, config: Pick<Config, 'publicUrl' | 'platformDomains'>): string | undefined {
  const name = normalizeDomain(domain);
  if (isIP(name.replace(/^\[|\]$/g, ''))) return 'must be a host name, not an IP address';
  if (name === 'localhost' || name.endsWith('.localhost')) return 'is reserved';
  if (!HOST_NAME.test(name)) return 'must be a fully qualified host name';
  if (platformHosts(config).has(name)) return 'is reserved for the platform';
  return undefined;
}

function platformHosts(config: Pick<Config, 'publicUrl' | 'platformDomains'>): Set<string> {
  const hosts = new Set(config.platformDomains.map(normalizeDomain));
  if (config.publicUrl) hosts.add(normalizeDomain(new URL(config.publicUrl).hostname));
  return hosts;
}
