import { fileURLToPath } from 'node:url';
import { asValue } from 'awilix';
import type { CoreModule } from '../../../core/src/module.ts';
import type { UiExternalOrigins } from '@mpanel/sdk';
import { staticCatalog, type UiPluginCatalog, type UiPluginEntry } from '../../../core/src/ui/catalog.ts';
import { mergeOrigins } from '../../../core/src/ui/csp.ts';

const dir = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));

/**
 * Plugin UIs: `hello` (plain ESM: a widget, a crashing widget, a page, manifest menus), `broken`,
 * and `slots` (built from .vue/TS by `mpanel plugin:build`: ui/src → ui/dist).
 */
export const FIXTURE_PLUGINS: UiPluginEntry[] = [
  {
    id: 'hello',
    name: 'Hello',
    version: '1.0.0',
    hasSettings: false,
    directory: dir('hello'),
    uiEntry: 'ui/index.js',
    ui: {
      menu: [
        { id: 'hello-page', label: 'Hello page', path: '/admin/p/hello/page', permission: 'account.manage' },
        { id: 'hidden', label: 'Nobody sees this', path: '/admin/p/hello/hidden', permission: 'nobody.has-this' },
      ],
    },
  },
  { id: 'broken', name: 'Broken', version: '1.0.0', hasSettings: false, directory: dir('broken'), uiEntry: 'ui/index.js', ui: {} },
  { id: 'slots', name: 'Slots', version: '1.0.0', hasSettings: false, directory: dir('slots'), uiEntry: 'ui/dist/index.js', ui: {} },
];

/** The fixtures after the real plugins' catalog (billing, the gateways: gateway-manual ships a UI). */
function withFixtures(real: UiPluginCatalog): UiPluginCatalog {
  const fixtures = staticCatalog(FIXTURE_PLUGINS);
  return {
    list: async (tenantId) => [...(await real.list(tenantId)), ...(await fixtures.list(tenantId))],
    uiRoot: async (id) => (await fixtures.uiRoot(id)) ?? real.uiRoot(id),
    externalOrigins: async () => mergeOrigins(await real.externalOrigins(), await fixtures.externalOrigins()),
  };
}

/**
 * Declares more origins for a real plugin, as if its manifest named them: the stand-in Stripe.js
 * is served from a local port where the manifest names https://js.stripe.com.
 */
export function extraOriginsModule(pluginId: string, extra: UiExternalOrigins): CoreModule {
  const widen = (real: UiPluginCatalog): UiPluginCatalog => ({
    list: async (tenantId) => (await real.list(tenantId)).map((p) => (p.id === pluginId ? { ...p, ui: { ...p.ui, externalOrigins: mergeOrigins(p.ui.externalOrigins, extra) } } : p)),
    uiRoot: (id) => real.uiRoot(id),
    externalOrigins: async () => mergeOrigins(await real.externalOrigins(), extra),
  });
  return {
    name: `e2e-origins-${pluginId}`,
    start: async (container) => {
      container.register({ uiPluginCatalog: asValue(widen(container.cradle.uiPluginCatalog)) } as never);
    },
  };
}

/** Adds the fixture plugin UIs to the plugin manager's catalog (this module starts after the UI module). */
export const fixturePluginsModule: CoreModule = {
  name: 'e2e-fixture-plugins',
  start: async (container) => {
    container.register({ uiPluginCatalog: asValue(withFixtures(container.cradle.uiPluginCatalog)) } as never);
  },
};
