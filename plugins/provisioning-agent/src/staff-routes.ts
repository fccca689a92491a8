import { NotFoundError, ok, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { ENROLLMENT_TOKEN_TTL_MS, newEnrollmentToken } from './enrollment-token.ts';
import { hashToken } from './agent-routes.ts';
import { agentServer, hostingServerExists, storeEnrollmentToken } from './store.ts';
import type { AgentSettings } from './panel-key.ts';

/** An agent not heard from for this long is shown offline (it polls at least every ~25 s). */
export const OFFLINE_AFTER_MS = 90_000;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

/** Staff routes on hosting's servers: issue an enrollment token, see the agent's state. */
export function staffRoutes(plugin: PluginContext<AgentSettings>): RouteDefinition[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/servers/:id/enrollment',
      permission: 'servers.write',
      tags: ['hosting'],
      successStatus: 201,
      summary: 'A one-time enrollment token (1 h) and the command to run on the server; a new one replaces the last',
      schema: { params: idParams },
      handler: async (ctx: RouteContext<{ id: string }>) => {
        const serverId = ctx.input.params.id;
        if (!(await hostingServerExists(ctx.db, serverId))) throw new NotFoundError();
        const tenantId = ctx.tenant!.id;
        const token = newEnrollmentToken(tenantId, serverId);
        const expiresAt = new Date(Date.now() + ENROLLMENT_TOKEN_TTL_MS);
        await storeEnrollmentToken(ctx.db, tenantId, serverId, hashToken(token), expiresAt);
        const panel = plugin.platform.publicUrl ?? `http://${ctx.header('host') ?? 'localhost:2271'}`;
        return ok({ token, expiresAt: expiresAt.toISOString(), command: `mpanel-agent enroll --panel ${panel} --token ${token}` });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/servers/:id/agent',
      permission: 'servers.read',
      tags: ['hosting'],
      summary: "The server's agent: enrolled or not, online from its last call, its facts",
      schema: { params: idParams },
      handler: async (ctx: RouteContext<{ id: string }>) => {
        const serverId = ctx.input.params.id;
        if (!(await hostingServerExists(ctx.db, serverId))) throw new NotFoundError();
        const row = await agentServer(ctx.db, serverId);
        return ok(agentView(serverId, row));
      },
    },
  ] as RouteDefinition[];
}

export function agentView(serverId: string, row: Awaited<ReturnType<typeof agentServer>>, now = Date.now()) {
  const lastSeen = row?.last_seen_at ? new Date(row.last_seen_at) : null;
  return {
    serverId,
    enrolled: Boolean(row?.public_key),
    status: !row?.public_key ? 'enrolling' : lastSeen && now - lastSeen.getTime() < OFFLINE_AFTER_MS ? 'online' : 'offline',
    enrolledAt: row?.enrolled_at ? new Date(row.enrolled_at).toISOString() : null,
    lastSeenAt: lastSeen?.toISOString() ?? null,
    enrollmentPendingUntil: row?.token_hash && row.token_expires_at ? new Date(row.token_expires_at).toISOString() : null,
    publicKey: row?.public_key ?? null,
    facts: row?.facts ?? {},
  };
}
