import { asValue } from 'awilix';
import type { CoreModule } from '../module.ts';
import { ensurePluginUisBuilt, ensureUiBuilt } from './build-ui.ts';
import { emptyCatalog, type UiPluginCatalog } from './catalog.ts';
import { managerCatalog, type PluginManagerView, type TenantStatesView } from './manager-catalog.ts';
import { UI_DIST } from './paths.ts';
import { serveUi } from './serve-ui.ts';
import { defaultBranding, uiRoutes, type BrandingSource } from './ui-routes.ts';
import { extensionBranding } from './branding-source.ts';

/**
 * The admin UI (`/admin`) and the client portal (`/client`): serves the Vite build with an SPA
 * fallback, the plugin UI files, branding and the per-user plugin list. `npm start` builds the UI
 * (and in-repo plugin UI bundles) when the build is missing (not in tests: they build it themselves when they need it).
 */
export const uiModule: CoreModule = {
  name: 'ui',
  register(container) {
    // Defaults for a platform without the plugin system (tests of the UI alone); start() swaps them.
    if (!container.hasRegistration('uiPluginCatalog')) container.register({ uiPluginCatalog: asValue<UiPluginCatalog>(emptyCatalog) });
    if (!container.hasRegistration('uiBranding')) container.register({ uiBranding: asValue<BrandingSource>(defaultBranding) });
  },
  async start(container) {
    const { config, logger } = container.cradle;
    // Nobody registered a catalog of their own: read the plugin manager when there is one.
    if (container.cradle.uiPluginCatalog === emptyCatalog && container.hasRegistration('pluginManager') && container.hasRegistration('pluginTenantStates')) {
      const resolve = <T>(name: string) => container.resolve<T>(name as never);
      container.register({ uiPluginCatalog: asValue(managerCatalog(resolve<PluginManagerView>('pluginManager'), resolve<TenantStatesView>('pluginTenantStates'))) });
    }
    // With the plugin system, a tenant's branding comes from a branding extension enabled for it.
    if (container.cradle.uiBranding === defaultBranding && container.hasRegistration('pluginServices')) {
      container.register({ uiBranding: asValue(extensionBranding(container.cradle)) });
    }
    if (config.nodeEnv !== 'test') await Promise.all([ensureUiBuilt(logger), ensurePluginUisBuilt(logger)]);
  },
  routes: (container) => uiRoutes(container),
  fallback: (container) => [serveUi({ dist: UI_DIST, catalog: () => container.cradle.uiPluginCatalog })],
};

declare module '../container.ts' {
  interface CoreCradle {
    /** Which plugins (and UI entries) the admin UI shows; see core/src/ui/catalog.ts. */
    uiPluginCatalog: UiPluginCatalog;
    /** A tenant's portal branding; see core/src/ui/ui-routes.ts. */
    uiBranding: BrandingSource;
  }
}
