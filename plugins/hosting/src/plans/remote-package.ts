import { extensionPoints, ValidationError, type PluginContext } from '@mpanel/sdk';
import { serverOf, type ServerRow } from '../provisioning/account-call.ts';
import { tenantDb } from '../provisioning/operation-store.ts';
import { within } from '../servers/module-call.ts';

/** How long saving a plan waits for each panel's package list. */
const PACKAGES_MS = 10_000;

/** The group and remote package a plan has now (a PATCH changes one or both). */
export async function planPackage(plugin: PluginContext, tenantId: string, planId: string): Promise<{ groupId: string | null; remotePackage: string | null } | undefined> {
  const row = (await plugin.db.transaction(tenantId, (trx) => tenantDb(trx, tenantId)('hosting_plans').where('hosting_plans.id', planId).first('server_group_id', 'remote_package'))) as
    { server_group_id: string | null; remote_package: string | null } | undefined;
  return row ? { groupId: row.server_group_id, remotePackage: row.remote_package } : undefined;
}

/**
 * A plan's remote package must exist on the panel servers of its group (cPanel, Hestia: modules
 * with `listPackages`), so a typo is caught when the plan is saved, not when a customer pays. Runs
 * outside any transaction (it waits on servers). A server that does not answer is not held
 * against the plan (its accounts fail visibly later, with the module's message).
 */
export async function assertRemotePackage(plugin: PluginContext, tenantId: string, groupId: string | null | undefined, remotePackage: string | null | undefined): Promise<void> {
  if (!groupId || !remotePackage) return;
  const servers = (await plugin.db.transaction(tenantId, (trx) => tenantDb(trx, tenantId)('servers').where('servers.group_id', groupId))) as ServerRow[];
  for (const server of servers) {
    const module = await plugin.db.transaction(tenantId, async () => plugin.extensions.get(extensionPoints.provisioning, server.module)).catch(() => undefined);
    if (!module?.listPackages) continue;
    const settings = await plugin.settings.get(tenantId).catch(() => ({}));
    const packages = await within(PACKAGES_MS, server.hostname, module.listPackages({ tenantId, settings, server: serverOf(plugin, server) })).catch(() => undefined);
    if (packages && !packages.some((p) => p.id === remotePackage)) {
      const known = packages.map((p) => p.id).slice(0, 20).join(', ') || 'none';
      throw new ValidationError({ remotePackage: `package '${remotePackage}' does not exist on server ${server.name} (${server.hostname}); packages there: ${known}` });
    }
  }
}
