import type { ExtensionCallContext } from './common.ts';

/** How a tenant's admin UI and portal look: `colors` become `--mp-<name>` CSS tokens in the browser. */
export interface Branding {
  name: string;
  logoUrl: string | null;
  /** Token name (`primary`, `surface`, `text`, …) → a CSS colour (`#0a7`, `rgb(…)`, `hsl(…)`, a name). */
  colors: Record<string, string>;
}

/**
 * A white-label source: the branding of a tenant, usually from the plugin's per-tenant settings.
 * Served by `GET /api/v1/ui/branding` from the first provider enabled for the tenant; what it leaves
 * out keeps the default. No rebuild: the pages read it at run time.
 */
export interface BrandingProvider<TSettings = Record<string, unknown>> {
  displayName: string;
  branding(ctx: ExtensionCallContext<TSettings>): Promise<Partial<Branding>>;
}
