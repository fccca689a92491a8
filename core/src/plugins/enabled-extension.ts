import type { Knex } from 'knex';
import type { ExtensionPoint, ProvidedExtension } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';

/**
 * The first extension of `point` whose plugin is running and enabled for the tenant, with that
 * tenant's settings of the plugin: how core picks a mail transport or a tenant's branding.
 * The tenant state is read exactly, not from the cache: a tenant that just disabled the plugin
 * falls back at once. Pass `trx` inside an open transaction (PGlite has one connection).
 */
export async function enabledExtension<T>(
  cradle: Pick<RootContainer['cradle'], 'pluginServices' | 'pluginManager' | 'pluginTenantStates' | 'pluginSettings'>,
  point: ExtensionPoint<T>,
  tenantId: string,
  trx?: Knex.Transaction,
): Promise<{ extension: ProvidedExtension<T>; settings: () => Promise<Record<string, unknown>> } | undefined> {
  const { pluginServices, pluginManager, pluginTenantStates, pluginSettings } = cradle;
  for (const extension of pluginServices.listExtensions(point)) {
    if (!pluginManager.isUsable(extension.owner) || !(await pluginTenantStates.isEnabled(extension.owner, tenantId, trx))) continue;
    const schema = pluginManager.get(extension.owner)?.manifest?.settings;
    return { extension, settings: () => pluginSettings.read(extension.owner, schema, tenantId, trx) };
  }
  return undefined;
}
