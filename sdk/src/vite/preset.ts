import { join, resolve } from 'node:path';
import type { Plugin, PluginOption } from 'vite';
import { SHARED_MODULES, isSharedModule } from './shared-modules.ts';

export interface MpanelPluginOptions {
  /** The plugin's `ui/` folder: sources in `src/` (entry `src/index.ts`), output in `dist/`. Default: Vite's root. */
  root?: string;
  /** Development build (`plugin:dev`): not minified, with source maps. */
  dev?: boolean;
}

/**
 * Packages that must come from the host page, never from a plugin bundle: a second copy of Vue (or
 * of the SDK's UI module, which holds the user's permissions) would silently not share state.
 */
const HOST_ONLY = /[\\/]node_modules[\\/](vue|@vue[\\/][a-z-]+|vue-router|pinia|@primevue[\\/]core|@primeuix[\\/]styled)[\\/]|[\\/]sdk[\\/]src[\\/]ui[\\/]/;

/** The CSS files a chunk imports, as Vite records them on the chunk. */
const importedCss = (chunk: object): string[] => [...((chunk as { viteMetadata?: { importedCss?: Set<string> } }).viteMetadata?.importedCss ?? [])];

/**
 * Vite adds the stylesheets of lazily loaded chunks when they load, but an entry's own are meant
 * for an HTML page a plugin does not have: the entry links them itself, next to where it is served.
 */
function linkCss(files: string[]): string {
  const hrefs = JSON.stringify(files);
  return `for (const f of ${hrefs}) { const l = document.createElement('link'); l.rel = 'stylesheet'; l.href = new URL('./' + f, import.meta.url).href; document.head.append(l); }\n`;
}

function mpanelUi(options: MpanelPluginOptions): Plugin {
  return {
    name: 'mpanel-plugin-ui',
    config(config) {
      const root = resolve(options.root ?? config.root ?? process.cwd());
      return {
        root,
        // Chunks find each other (and their CSS) relative to the module URL the host imported.
        base: './',
        publicDir: false,
        envDir: false,
        mode: options.dev ? 'development' : 'production',
        build: {
          outDir: join(root, 'dist'),
          emptyOutDir: true,
          // dist/.vite/manifest.json: the chunk graph bench:ui reads.
          manifest: true,
          minify: !options.dev,
          sourcemap: options.dev ? 'inline' : false,
          target: 'es2022',
          modulePreload: { polyfill: false },
          rolldownOptions: {
            input: { index: join(root, 'src/index.ts') },
            // The entry's default export is the plugin definition the host imports.
            preserveEntrySignatures: 'strict',
            external: (id: string) => isSharedModule(id),
            output: { format: 'es', entryFileNames: 'index.js', chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' },
          },
        },
      };
    },
    generateBundle: {
      order: 'post',
      handler(_output, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type !== 'chunk') continue;
          const bundled = Object.keys(chunk.modules).filter((id) => HOST_ONLY.test(id));
          if (bundled.length) {
            this.error(
              `${chunk.fileName} would bundle host modules (${bundled.slice(0, 3).join(', ')}): import only the shared ones by their bare name (${SHARED_MODULES.join(', ')}); ` +
                'a PrimeVue component outside that list needs PrimeVue core from the host and cannot be used yet; other packages are bundled with the plugin.',
            );
          }
          const css = chunk.isEntry ? importedCss(chunk) : [];
          if (css.length) chunk.code = linkCss(css) + chunk.code;
        }
      },
    },
  };
}

/**
 * The Vite preset of a plugin UI: `.vue` single-file components and TypeScript, one ES entry
 * (`dist/index.js`, default-exporting `defineUiPlugin(...)`) with code-split chunks, and every
 * module the host shares through its import map left as a bare external import.
 *
 * `mpanel plugin:build` uses it as is; a plugin needing more keeps a `ui/vite.config.ts` with
 * `plugins: [mpanelPlugin()]`.
 */
export function mpanelPlugin(options: MpanelPluginOptions = {}): PluginOption[] {
  // Loaded when a build runs: the server imports this module's neighbours without needing Vite.
  const vue = import('@vitejs/plugin-vue').then(({ default: plugin }) => plugin());
  return [vue, mpanelUi(options)];
}
