import type { PluginContext, PluginDefinition, PluginManifest } from '@mpanel/sdk';

export type PluginState = 'loaded' | 'registered' | 'migrated' | 'active' | 'failed' | 'skipped' | 'stopped';

/** Everything the manager knows about one plugin. */
export interface PluginRecord {
  id: string;
  version: string;
  manifest: PluginManifest | undefined;
  definition: PluginDefinition | undefined;
  directory: string | null;
  state: PluginState;
  error?: string;
  ctx?: PluginContext;
  /** Once-guards: each lifecycle step runs at most once. */
  done: { register: boolean; migrate: boolean; boot: boolean; shutdown: boolean };
  /** While true, registration methods of the context work. */
  registering: boolean;
}

export function newRecord(id: string, init: Partial<PluginRecord> = {}): PluginRecord {
  return {
    id,
    version: init.manifest?.version ?? '0.0.0',
    manifest: undefined,
    definition: undefined,
    directory: null,
    state: 'loaded',
    done: { register: false, migrate: false, boot: false, shutdown: false },
    registering: false,
    ...init,
  };
}
