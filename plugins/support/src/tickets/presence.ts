/**
 * Who is looking at or answering which ticket, per process, for the collision warning. Entries
 * expire after PRESENCE_TTL_MS: the ticket view renews its entry while open. With several web
 * instances each knows its own viewers; the reply check (`lastSeenMessageId`) is the guarantee.
 */
export const PRESENCE_TTL_MS = 60_000;

export type PresenceState = 'viewing' | 'replying';
export interface Presence { userId: string; name: string | null; state: PresenceState; at: number }

const tickets = new Map<string, Map<string, Presence>>();
const keyOf = (tenantId: string, ticketId: string) => `${tenantId}:${ticketId}`;

/** Records (or with `left`, removes) the user's presence and returns everybody else's current one. */
export function touchPresence(tenantId: string, ticketId: string, p: Omit<Presence, 'state'> & { state: PresenceState | 'left' }): Presence[] {
  const key = keyOf(tenantId, ticketId);
  const here = tickets.get(key) ?? new Map<string, Presence>();
  for (const [user, entry] of here) if (p.at - entry.at > PRESENCE_TTL_MS) here.delete(user);
  if (p.state === 'left') here.delete(p.userId);
  else here.set(p.userId, { ...p, state: p.state });
  if (here.size) tickets.set(key, here);
  else tickets.delete(key);
  return [...here.values()].filter((e) => e.userId !== p.userId);
}
