import type { RemoteAccount, TenantDb } from '@mpanel/sdk';
import type { HostingBilling } from '../provisioning/billing-port.ts';
import { usernameProblem } from '../usernames.ts';

export type MatchedBy = 'email' | 'domain' | 'username' | 'staff';

/**
 * Staff's choice for one account in the import screen: an existing client (`clientId`), a new
 * client from the account's e-mail (`newClient`, whatever would match), or leave it out (`skip`).
 * Without one the account is matched automatically.
 */
export interface ImportMapping {
  username: string;
  clientId?: string | null;
  newClient?: boolean;
  skip?: boolean;
}

/** What the import does with one remote account (the preview shows it, the run does it). */
export type Proposal =
  | { username: string; action: 'skip'; reason: string }
  | { username: string; action: 'match'; clientId: string; by: MatchedBy }
  | { username: string; action: 'create'; email: string }
  | { username: string; action: 'none'; reason: string };

/** Accounts of this server already known to mPanel (the import's idempotency key: server + username). */
export async function knownUsernames(db: TenantDb, serverId: string): Promise<Set<string>> {
  const rows = (await db('hosting_accounts').where('hosting_accounts.server_id', serverId).whereNot('desired_state', 'terminated').pluck('username')) as string[];
  return new Set(rows);
}

/**
 * The client for an account, in order: staff's mapping (a client, or a new one), a client with the account's e-mail, a
 * client with a service on the account's domain, the client of a same-named account on another
 * server; else a new client from the account's e-mail when that is allowed.
 */
export async function propose(
  db: TenantDb, billing: HostingBilling, remote: RemoteAccount,
  ctx: { known: Set<string>; mapping?: ImportMapping; createMissingClients: boolean },
): Promise<Proposal> {
  const username = remote.username;
  if (ctx.known.has(username)) return { username, action: 'skip', reason: 'already in mPanel' };
  if (ctx.mapping?.skip) return { username, action: 'skip', reason: 'left out by staff' };
  const problem = usernameProblem(username);
  if (problem) return { username, action: 'skip', reason: `username ${problem} in mPanel` };
  if (ctx.mapping?.clientId) {
    const own = await db('clients').where('clients.id', ctx.mapping.clientId).first('id');
    return own ? { username, action: 'match', clientId: ctx.mapping.clientId, by: 'staff' } : { username, action: 'skip', reason: 'the chosen client is not a client of this tenant' };
  }
  if (ctx.mapping?.newClient) {
    // Billing keeps one client per e-mail: a client that already has it is the one the account gets.
    return remote.email ? { username, action: 'create', email: remote.email } : { username, action: 'none', reason: 'no e-mail on the server account to create a client from: pick a client' };
  }
  const byBilling = await billing.matchClient({ email: remote.email ?? null, domain: remote.domain ?? null });
  if (byBilling) return { username, action: 'match', clientId: byBilling.clientId, by: byBilling.by };
  const sameName = (await db('hosting_accounts').where('hosting_accounts.username', username).orderBy('created_at').first('client_id')) as { client_id: string } | undefined;
  if (sameName) return { username, action: 'match', clientId: sameName.client_id, by: 'username' };
  if (!remote.email) return { username, action: 'none', reason: 'no e-mail on the server account and no matching client: pick a client' };
  if (!ctx.createMissingClients) return { username, action: 'none', reason: 'no matching client: pick one, or allow creating clients' };
  return { username, action: 'create', email: remote.email };
}
