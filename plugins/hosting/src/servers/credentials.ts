import type { PluginContext } from '@mpanel/sdk';
import type { Server } from '../models/index.ts';

/** Bound to the server's id as well as the tenant: a sealed value copied onto another server does not open. */
const field = (serverId: string) => `servers.credentials:${serverId}`;

export type ServerCredentials = Record<string, string>;

export function sealCredentials(plugin: PluginContext, tenantId: string, serverId: string, credentials: ServerCredentials): string {
  return plugin.secrets.seal(JSON.stringify(credentials), field(serverId), tenantId);
}

/** The server's credentials in clear, for a module call; `{}` when none are set. */
export function openCredentials(plugin: PluginContext, server: Pick<Server, 'id' | 'tenantId' | 'credentials'>): ServerCredentials {
  if (!server.credentials) return {};
  return JSON.parse(plugin.secrets.open(server.credentials, field(server.id), server.tenantId)) as ServerCredentials;
}
