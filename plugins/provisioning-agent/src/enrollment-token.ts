import { randomBytes } from 'node:crypto';
import { isUuid } from './agent-auth.ts';

/** One hour, as HOSTING.md §6.3 says: long enough to run the installer, short enough to leak little. */
export const ENROLLMENT_TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * `<tenant id>.<server id>.<secret>`: the ids let the panel find the server under its tenant's
 * row-level security before anything is trusted; only the hash of the whole token is stored.
 */
export function newEnrollmentToken(tenantId: string, serverId: string): string {
  return `${tenantId}.${serverId}.${randomBytes(32).toString('base64url')}`;
}

export function parseEnrollmentToken(token: string): { tenantId: string; serverId: string } | undefined {
  const [tenantId, serverId, secret, extra] = token.split('.');
  if (extra !== undefined || !isUuid(tenantId) || !isUuid(serverId) || !secret || secret.length < 40) return undefined;
  return { tenantId, serverId };
}
