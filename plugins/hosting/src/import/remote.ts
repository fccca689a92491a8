import { ProvisioningError, type PluginContext, type RemoteAccount } from '@mpanel/sdk';
import { loadServer, moduleOf, serverOf, type ServerRow } from '../provisioning/account-call.ts';
import { tenantDb } from '../provisioning/operation-store.ts';

/**
 * The accounts a server has, through its module's `listAccounts` (any module: Hestia, cPanel,
 * the agent). Called outside any transaction: it waits on the server.
 */
export async function remoteAccounts(plugin: PluginContext, tenantId: string, serverId: string): Promise<{ server: ServerRow; accounts: RemoteAccount[] }> {
  const server = await plugin.db.transaction(tenantId, async (trx) => loadServer(tenantDb(trx, tenantId), serverId));
  if (!server) throw new ProvisioningError('Server not found', 'NOT_FOUND');
  const module = await moduleOf(plugin, tenantId, server);
  if (!module.listAccounts || !module.capabilities.listAccounts) {
    throw new ProvisioningError(`The ${module.displayName} module cannot list a server's accounts: nothing to import from ${server.hostname}`, 'UNSUPPORTED');
  }
  const accounts = await module.listAccounts({ tenantId, settings: await plugin.settings.get(tenantId).catch(() => ({})), server: serverOf(plugin, server) });
  return { server, accounts };
}
