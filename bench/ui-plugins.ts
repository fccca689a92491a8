/**
 * The plugin UI bundles bench:ui counts: every in-repo plugin's `ui/dist` (built by `mpanel
 * plugin:build`), read from its Vite chunk manifest. A plugin's files are keyed by absolute path; its
 * bare imports are the host's shared modules (`mpanel-shared:<id>` in the host's manifest), which
 * a page loads too when a plugin chunk imports them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pluginsWithUi, uiRootOf } from '@mpanel/sdk/vite';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

export interface PluginBundle {
  id: string;
  /** The entry and its static imports: every signed-in page loads them (the host imports every plugin UI). */
  entry: Set<string>;
  /** Each lazily loaded component (a page, a tab, a panel) with its static imports. */
  lazy: Array<{ name: string; files: Set<string> }>;
  /** Host shared modules the plugin's files import by bare name. */
  shared: Set<string>;
}

const BARE = /(?:from|import)\s*["']([^"'./][^"']*)["']/g;

export function pluginBundles(parent = 'plugins'): PluginBundle[] {
  return pluginsWithUi(parent).flatMap((dir) => {
    const dist = join(uiRootOf(dir), 'dist');
    const manifestFile = join(dist, '.vite/manifest.json');
    if (!existsSync(manifestFile)) return [];
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, ManifestChunk>;
    const shared = new Set<string>();
    const closure = (key: string, into = new Set<string>()): Set<string> => {
      const chunk = manifest[key];
      const file = chunk && join(dist, chunk.file);
      if (!chunk || !file || into.has(file)) return into;
      into.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(BARE)) shared.add(m[1]!);
      for (const imp of chunk.imports ?? []) closure(imp, into);
      return into;
    };
    const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
    const entry = closure(entryKey);
    const lazy = (manifest[entryKey]!.dynamicImports ?? []).map((key) => ({ name: key.split('/').pop()!.replace(/\.\w+$/, ''), files: closure(key) }));
    return [{ id: dir.split(/[\\/]/).pop()!, entry, lazy, shared }];
  });
}
