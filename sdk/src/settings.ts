/**
 * Per-tenant settings of a plugin, typed by the plugin, validated against `manifest.settings`.
 * Fields marked `"secret": true` in that schema are stored encrypted; plugins read them in clear,
 * the API never returns them.
 */
export interface PluginSettings<T = Record<string, unknown>> {
  /** The settings of a tenant (default: the current tenant); schema defaults applied. */
  get(tenantId?: string): Promise<Partial<T>>;
  /** Merges and stores `values` (validated); omitted secrets keep their stored value. */
  set(values: Partial<T>, tenantId?: string): Promise<void>;
}
