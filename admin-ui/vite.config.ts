import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { importMapPlugin, sharedInputs } from './build/import-map.ts';
import { primeVueThemePlugin } from './build/primevue-theme.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Host chunks plugins share through the import map; everything else splits per route. */
const HOST_CHUNKS: Array<{ name: string; test: RegExp }> = [
  { name: 'vue', test: /node_modules[\\/](vue|@vue)[\\/]/ },
  { name: 'vue-router', test: /node_modules[\\/]vue-router[\\/]/ },
  { name: 'pinia', test: /node_modules[\\/]pinia[\\/]/ },
  { name: 'primevue', test: /node_modules[\\/](@primevue[\\/]core|@primeuix|primevue[\\/](config|base|basecomponent|service|usestyle|api))[\\/]/ },
  // The SDK's UI module (small, on the login page); its Vue kit splits like the app's own code.
  { name: 'sdk-ui', test: /sdk[\\/]src[\\/]ui[\\/](?!vue[\\/])/ },
];

export default defineConfig({
  // Admin pages live under /admin, the portal under /client; both load assets from /admin/assets.
  base: '/admin/',
  plugins: [vue(), importMapPlugin(), primeVueThemePlugin(here('src'))],
  build: {
    outDir: 'dist',
    // dist/.vite/manifest.json: chunk graph for `npm run bench:ui` (not served).
    manifest: true,
    emptyOutDir: true,
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      input: { admin: here('index.html'), client: here('client/index.html'), ...sharedInputs() },
      // Shared entries must keep their exports: plugins import them by URL.
      preserveEntrySignatures: 'strict',
      output: { codeSplitting: { groups: HOST_CHUNKS } },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:2271', '/socket.io': { target: 'ws://127.0.0.1:2271', ws: true } } },
});
