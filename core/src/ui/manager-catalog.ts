import type { PluginManifest } from '@mpanel/sdk';
import type { UiPluginCatalog, UiPluginEntry } from './catalog.ts';
import { mergeOrigins } from './csp.ts';
import { uiRootOf } from './serve-ui.ts';

/** The parts of the plugin manager (core/src/plugins) the UI reads; kept structural on purpose. */
export interface PluginManagerView {
  list(): Array<{ id: string; version: string; status: string }>;
  get(id: string): { manifest?: PluginManifest | undefined; directory: string | null } | undefined;
}
export interface TenantStatesView {
  disabledFor(tenantId: string): Promise<Set<string>>;
}

/** The UI catalog over the plugin manager: active plugins not disabled for the tenant. */
export function managerCatalog(manager: PluginManagerView, states: TenantStatesView): UiPluginCatalog {
  const entryOf = (id: string, version: string): UiPluginEntry | undefined => {
    const record = manager.get(id);
    const manifest = record?.manifest;
    if (!manifest) return undefined;
    return {
      id,
      name: manifest.name,
      version,
      ui: manifest.ui ?? {},
      hasSettings: Boolean(manifest.settings && Object.keys((manifest.settings.properties as object | undefined) ?? {}).length),
      directory: record.directory,
      uiEntry: manifest.entry?.ui ?? null,
      dependencies: Object.keys(manifest.dependencies ?? {}),
    };
  };
  return {
    async list(tenantId) {
      const disabled = await states.disabledFor(tenantId);
      return manager
        .list()
        .filter((p) => p.status === 'active' && !disabled.has(p.id))
        .map((p) => entryOf(p.id, p.version))
        .filter((e): e is UiPluginEntry => e !== undefined);
    },
    async uiRoot(pluginId) {
      const status = manager.list().find((p) => p.id === pluginId);
      const entry = status?.status === 'active' ? entryOf(pluginId, status.version) : undefined;
      return entry?.directory && entry.uiEntry ? uiRootOf(entry.directory, entry.uiEntry) : undefined;
    },
    async externalOrigins() {
      const active = manager.list().filter((p) => p.status === 'active');
      return mergeOrigins(...active.map((p) => manager.get(p.id)?.manifest?.ui?.externalOrigins));
    },
  };
}
