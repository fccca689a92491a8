/**
 * "Test connection" for an agent server: the agent calls the panel (it polls at least every
 * ~25 s; nothing connects to the server), so the test is what `GET /servers/:id/agent` says of its
 * last call — online, offline since, or never enrolled. A panel without the agent plugin answers
 * 404: the check is then unavailable, not failed.
 */
export interface AgentStatus {
  enrolled: boolean;
  status: 'enrolling' | 'online' | 'offline';
  lastSeenAt: string | null;
  enrollmentPendingUntil?: string | null;
  facts?: Record<string, unknown>;
}

export type ConnectionCheck =
  | { ok: true; key: 'hosting.agent.online'; lastSeenAt: string | null }
  | { ok: false; key: 'hosting.agent.offline' | 'hosting.agent.notEnrolled' | 'hosting.agent.unavailable'; lastSeenAt: string | null };

export function connectionCheck(agent: AgentStatus | null): ConnectionCheck {
  if (!agent) return { ok: false, key: 'hosting.agent.unavailable', lastSeenAt: null };
  if (!agent.enrolled) return { ok: false, key: 'hosting.agent.notEnrolled', lastSeenAt: null };
  return agent.status === 'online' ? { ok: true, key: 'hosting.agent.online', lastSeenAt: agent.lastSeenAt } : { ok: false, key: 'hosting.agent.offline', lastSeenAt: agent.lastSeenAt };
}
