import type { PluginUi } from '@mpanel/sdk';
import { mergeOrigins, type ExternalOrigins } from './csp.ts';

/** One plugin as the UI needs it: manifest UI entries, whether it has settings, its UI module. */
export interface UiPluginEntry {
  id: string;
  name: string;
  version: string;
  ui: PluginUi;
  hasSettings: boolean;
  /** The plugin's folder and its manifest `entry.ui` (relative), when it ships browser code. */
  directory: string | null;
  uiEntry: string | null;
  /** The plugins its manifest depends on (a gateway on billing): billing's pay screen may load the gateway's declared scripts. */
  dependencies?: string[];
}

/**
 * Where the UI learns which plugins exist and are enabled for a tenant. The plugin manager
 * provides it by registering `uiPluginCatalog`; the default knows no plugins.
 */
export interface UiPluginCatalog {
  /** Active plugins enabled for the tenant. */
  list(tenantId: string): Promise<UiPluginEntry[]>;
  /** The folder a plugin's UI files are served from, or undefined. */
  uiRoot(pluginId: string): Promise<string | undefined>;
  /**
   * What the active plugins' manifests declare in `ui.externalOrigins`, together: the pages' CSP
   * allows it. Not per tenant: the page is served before any tenant is resolved, and a declaration
   * is reviewed at install like a permission.
   */
  externalOrigins(): Promise<ExternalOrigins>;
}

export const emptyCatalog: UiPluginCatalog = {
  list: async () => [],
  uiRoot: async () => undefined,
  externalOrigins: async () => ({}),
};

/** A catalog over a fixed list (tests, embedding); every plugin counts as enabled. */
export function staticCatalog(entries: UiPluginEntry[]): UiPluginCatalog {
  return {
    list: async () => entries,
    uiRoot: async (id) => {
      const entry = entries.find((e) => e.id === id);
      if (!entry?.directory || !entry.uiEntry) return undefined;
      const { uiRootOf } = await import('./serve-ui.ts');
      return uiRootOf(entry.directory, entry.uiEntry);
    },
    externalOrigins: async () => mergeOrigins(...entries.map((e) => e.ui.externalOrigins)),
  };
}
