import { serviceRef } from '@mpanel/sdk';

/**
 * What billing needs from identity to give a client a portal login: a core user with role `client`
 * whose `users.client_id` is the client account (that is what `principal.clientId` resolves from).
 * Optional: without a provider, creating a client with a password answers 501.
 */
export interface PortalUsers {
  createClientUser(input: { email: string; password: string; clientId: string; name: string }): Promise<{ id: string }>;
}

export const portalUsersRef = serviceRef<PortalUsers>('identity.portal-users');
