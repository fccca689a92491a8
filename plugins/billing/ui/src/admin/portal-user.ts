import { api } from '@mpanel/sdk/ui/vue';

interface ListedUser {
  id: string;
  email: string;
  clientId?: string | null;
}

/**
 * The portal login of a billing client: a `client` user whose `clientId` is this client. The users
 * list has no clientId filter, so it is searched by the client's email (portal logins are created
 * with it) and matched on clientId.
 */
export async function portalUserOf(client: { id: string; email: string }): Promise<ListedUser | null> {
  const { data } = await api.list<ListedUser>('/users', { role: 'client', q: client.email, perPage: 100 });
  return data.find((u) => u.clientId === client.id) ?? null;
}
