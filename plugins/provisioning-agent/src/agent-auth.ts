import { HttpError, type PluginDb, type RouteContext } from '@mpanel/sdk';
import { AGENT_AUTH_HEADER, RequestReplayGuard, parseRequestAuth, verifyRequestAuth } from '@mpanel/sdk/agent-protocol';
import { agentServer } from './store.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

export interface AgentCaller {
  tenantId: string;
  serverId: string;
}

/**
 * Authenticates an agent request by its `Mpanel-Agent` header: the server's key pinned at
 * enrollment must have signed `t.METHOD.path.sha256(body)` within ±300 s, once. Every failure is
 * the same 401, so a caller learns nothing about which servers exist.
 */
export function agentAuthenticator(db: PluginDb) {
  const replay = new RequestReplayGuard();
  return async (ctx: RouteContext, path: string): Promise<AgentCaller> => {
    const denied = () => new HttpError(401, 'Agent authentication failed');
    const auth = parseRequestAuth(ctx.header(AGENT_AUTH_HEADER));
    if (!auth || !isUuid(auth.tenantId) || !isUuid(auth.serverId)) throw denied();
    const row = await db.transaction(auth.tenantId, (trx) => agentServer(trx, auth.serverId));
    if (!row?.public_key) throw denied();
    const verdict = verifyRequestAuth(auth, { method: 'POST', path, body: ctx.rawBody ?? Buffer.alloc(0) }, row.public_key, { replay });
    if (!verdict.ok) throw denied();
    return { tenantId: auth.tenantId, serverId: auth.serverId };
  };
}
