import { NotFoundError, type PluginContext, type ProvisioningModule, type ServerCall } from '@mpanel/sdk';
import { loadServer, moduleOf, serverOf, type ServerRow } from '../provisioning/account-call.ts';
import { tenantDb } from '../provisioning/operation-store.ts';

/**
 * A server's module and a call for it, for routes that talk to the server (test connection,
 * packages, SSO). Read in a short transaction of its own: the call to the server runs outside any,
 * so a slow panel holds no database connection.
 */
export async function serverModuleCall(plugin: PluginContext, tenantId: string, serverId: string): Promise<{ server: ServerRow; module: ProvisioningModule; call: ServerCall }> {
  const server = await plugin.db.transaction(tenantId, (trx) => loadServer(tenantDb(trx, tenantId), serverId));
  if (!server) throw new NotFoundError('Server not found');
  const module = await moduleOf(plugin, tenantId, server);
  const settings = await plugin.settings.get(tenantId).catch(() => ({}));
  return { server, module, call: { tenantId, settings, server: serverOf(plugin, server) } };
}

/** A module call bounded in time for an interactive request (a module's own timeouts may be minutes). */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
