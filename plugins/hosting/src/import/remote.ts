import { ProvisioningError, type PluginContext, type RemoteAccount } from '@mpanel/sdk';
import type { ServerRow } from '../provisioning/account-call.ts';
import { serverModuleCall } from '../servers/module-call.ts';

/**
 * The accounts a server has, through its module's `listAccounts` (any module: Hestia, cPanel,
 * the agent). Called outside any transaction: it waits on the server.
 */
export async function remoteAccounts(plugin: PluginContext, tenantId: string, serverId: string): Promise<{ server: ServerRow; accounts: RemoteAccount[] }> {
  const { server, module, call } = await serverModuleCall(plugin, tenantId, serverId);
  if (!module.listAccounts || !module.capabilities.listAccounts) {
    throw new ProvisioningError(`The ${module.displayName} module cannot list a server's accounts: nothing to import from ${server.hostname}`, 'UNSUPPORTED');
  }
  return { server, accounts: await module.listAccounts(call) };
}
