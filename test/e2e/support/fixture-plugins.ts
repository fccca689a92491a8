import { fileURLToPath } from 'node:url';
import { asValue } from 'awilix';
import type { CoreModule } from '../../../core/src/module.ts';
import { staticCatalog, type UiPluginEntry } from '../../../core/src/ui/catalog.ts';

const dir = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/`, import.meta.url));

/** Two plugin UIs: `hello` (a widget, a crashing widget, a page, manifest menus) and `broken`. */
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
];

/** Registers the fixture catalog in place of the plugin manager's. */
export const fixturePluginsModule: CoreModule = {
  name: 'e2e-fixture-plugins',
  start: async (container) => {
    container.register({ uiPluginCatalog: asValue(staticCatalog(FIXTURE_PLUGINS)) } as never);
  },
};
