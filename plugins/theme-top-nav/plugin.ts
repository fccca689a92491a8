import { fileURLToPath } from 'node:url';
import { definePlugin } from '@mpanel/sdk';

/**
 * A client portal theme: its UI fills the `platform.portal-theme.panels` slot with the layout of
 * the theme `top-nav` (the menu as a bar under the header). A tenant selects it with the white-label
 * setting `theme`; the portal's default layout (the menu in a column) is core's own. No server side.
 */
export default definePlugin({
  manifest: {
    id: 'theme-top-nav',
    name: 'Portal theme: top navigation',
    version: '0.1.0',
    description: 'Client portal theme: the menu as a bar under the header',
    license: 'MIT',
    category: 'branding',
    engines: { mpanel: '>=0.1.0' },
    // ui/dist/index.js: built from ui/src by the plugin UI build (git-ignored).
    entry: { server: 'plugin.ts', ui: 'ui/dist/index.js' },
    bootFailure: 'continue',
  },
  directory: fileURLToPath(new URL('.', import.meta.url)),
  register() {},
});
