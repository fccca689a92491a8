import { createTenantDb } from '@mpanel/sdk';
import type { Knex } from 'knex';
import { currentExecution } from '../../plugins/execution-scope.ts';
import { createUser } from '../users/user-accounts.ts';

export interface NewClientUser {
  clientId: string;
  email: string;
  password: string;
  name?: string | null;
}

/**
 * Portal logins for billing clients: a core user with role `client` and `users.client_id` set,
 * which is what the principal's `clientId` (the ownership rule) is loaded from. Plugins resolve it
 * as the service `identity.portal-users`.
 */
export interface PortalUsers {
  /**
   * Creates the login in the caller's transaction and tenant (a request, job or event handler),
   * so it exists only if the client does. Refuses a weak password (400 on `password`) and a taken
   * email (409).
   */
  createClientUser(input: NewClientUser, at?: { trx: Knex.Transaction; tenantId: string }): Promise<{ id: string; email: string }>;
}

export const PORTAL_USERS_SERVICE = 'identity.portal-users';

export const portalUsers: PortalUsers = {
  async createClientUser(input, at) {
    const exec = currentExecution();
    const trx = at?.trx ?? exec?.trx();
    const tenantId = at?.tenantId ?? exec?.tenantId;
    if (!trx || !tenantId) throw new Error('createClientUser needs a tenant transaction (call it from a request, job or event handler)');
    const user = await createUser(createTenantDb(trx, tenantId), { email: input.email, password: input.password, name: input.name ?? null, roles: ['client'], clientId: input.clientId });
    return { id: user.id, email: user.email };
  },
};
