import { api } from '../shared/api.ts';
import { tokens } from '../shared/tokens.ts';

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

/**
 * "Log in as client": an impersonation token (15 minutes, audited by the API) handed to `tab` as
 * that tab's own portal session, and the portal opened there. The tab is opened by the click itself
 * (no popup blocker stops it) and the token lives in its sessionStorage, so a portal session the
 * staff member has in this browser is left alone. Returns false when the client has no portal login.
 */
export async function logInAsClient(client: { id: string; email: string }, tab: Window): Promise<boolean> {
  const user = await portalUserOf(client);
  if (!user) return false;
  const session = await api.post<{ accessToken: string }>(`/users/${user.id}/impersonate`);
  tokens.handToTab(tab, session.accessToken);
  tab.location.href = '/client/';
  return true;
}
