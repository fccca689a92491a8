import { SYSTEM_ROLES, ValidationError, extensionPoints, type TenantDb } from '@mpanel/sdk';
import type { RootContainer } from '../../container.ts';
import { enabledExtension } from '../../plugins/enabled-extension.ts';

/**
 * A user of the client level must belong to a client account, and whatever client account a user
 * names must exist in the user's own tenant (asked of the tenant's client directory, billing):
 * a client user without one would otherwise pass for staff in plugin routes.
 */
export async function assertClientBinding(
  cradle: RootContainer['cradle'],
  db: TenantDb,
  level: number,
  clientId: string | null | undefined,
): Promise<void> {
  if (!clientId) {
    if (level >= SYSTEM_ROLES.client) throw new ValidationError({ clientId: 'is required for a client user' });
    return;
  }
  const directory = await enabledExtension(cradle, extensionPoints.clientAccounts, db.tenantId, db.trx);
  const found = directory ? await directory.extension.impl.exists({ tenantId: db.tenantId, settings: await directory.settings(), db }, clientId) : false;
  if (!found) throw new ValidationError({ clientId: 'is not a client account of this tenant' });
}
