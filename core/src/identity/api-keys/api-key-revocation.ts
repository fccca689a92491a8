import type { TenantDb } from '@mpanel/sdk';

/** A user who loses access (disabled, two-factor reset) takes their API keys with them. */
export async function revokeApiKeysOf(db: TenantDb, userId: string): Promise<number> {
  return db('api_keys').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: new Date(), updated_at: new Date() });
}
