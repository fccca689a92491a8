import type { TenantDb } from '../db/tenant-db.ts';
import type { ExtensionCallContext } from './common.ts';

/**
 * Where a tenant's client accounts live (billing): core asks it before it binds a portal user to a
 * client account, so `users.client_id` always names a client of the user's own tenant.
 */
export interface ClientAccountDirectory<TSettings = Record<string, unknown>> {
  /** Whether `clientId` is a client account of `ctx.tenantId`, read in the caller's transaction. */
  exists(ctx: ExtensionCallContext<TSettings> & { db: TenantDb }, clientId: string): Promise<boolean>;
}
