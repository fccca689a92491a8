import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { mpanelPlugin } from './preset.ts';

/** A plugin's UI folder: the plugin folder's `ui/`, or the folder itself when it holds `src/index.ts`. */
export function uiRootOf(dir: string): string {
  const abs = resolve(dir);
  return existsSync(join(abs, 'src', 'index.ts')) && basename(abs) === 'ui' ? abs : join(abs, 'ui');
}

export const hasUiSources = (pluginDir: string): boolean => existsSync(join(uiRootOf(pluginDir), 'src', 'index.ts'));

/** The plugin folders under `parent` (e.g. `plugins/`) with UI sources, sorted. */
export function pluginsWithUi(parent: string): string[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && hasUiSources(join(parent, entry.name)))
    .map((entry) => join(resolve(parent), entry.name))
    .sort();
}

/** Whether a plugin's built entry is missing (a fresh clone before `prepare` ran). */
export const uiBundleMissing = (pluginDir: string): boolean => hasUiSources(pluginDir) && !existsSync(join(uiRootOf(pluginDir), 'dist', 'index.js'));

export interface BuildPluginUiOptions {
  /** Rebuild on every change (`plugin:dev`); the promise then resolves once the first build is written. */
  watch?: boolean;
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}

/**
 * Builds one plugin's UI (`ui/src` → `ui/dist`) with the preset, or with the plugin's own
 * `ui/vite.config.ts` when it has one (which must include `mpanelPlugin()`).
 */
export async function buildPluginUi(pluginDir: string, options: BuildPluginUiOptions = {}): Promise<{ outDir: string; close(): Promise<void> }> {
  const root = uiRootOf(pluginDir);
  if (!existsSync(join(root, 'src', 'index.ts'))) throw new Error(`${root}: no src/index.ts (a plugin UI entry default-exporting defineUiPlugin(...))`);
  const { build } = await import('vite');
  const ownConfig = ['vite.config.ts', 'vite.config.js'].map((f) => join(root, f)).find((f) => existsSync(f));
  const result = await build({
    root,
    configFile: ownConfig ?? false,
    logLevel: options.logLevel ?? 'warn',
    plugins: ownConfig ? [] : mpanelPlugin({ root, dev: options.watch }),
    build: options.watch ? { watch: {} } : {},
  });
  const watcher = 'close' in result && typeof result.close === 'function' ? result : undefined;
  if (watcher) {
    // The first build of a watcher finishes asynchronously: wait for it (or its error).
    await new Promise<void>((done, fail) => {
      const onEvent = (event: { code: string; error?: unknown; result?: { close(): Promise<void> } }) => {
        if (event.code === 'BUNDLE_END') void event.result?.close();
        if (event.code === 'END') done();
        if (event.code === 'ERROR') fail(event.error instanceof Error ? event.error : new Error(String(event.error)));
      };
      (watcher as unknown as { on(e: 'event', cb: typeof onEvent): void }).on('event', onEvent);
    });
  }
  return { outDir: join(root, 'dist'), close: async () => watcher?.close() };
}
