import { api } from './api.ts';
import { tokens } from './tokens.ts';

/**
 * `host.openPortalAs`: an impersonation token (15 minutes, audited by the API) handed to `tab` as
 * that tab's own portal session, and the portal opened there. The token lives in the tab's
 * sessionStorage, so a portal session the staff member has in this browser is left alone.
 */
export async function openPortalAs(userId: string, tab: Window): Promise<void> {
  const session = await api.post<{ accessToken: string }>(`/users/${encodeURIComponent(userId)}/impersonate`);
  tokens.handToTab(tab, session.accessToken);
  tab.location.href = '/client/';
}
