import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PluginDefinition, PluginManifest } from '@mpanel/sdk';

/** Where plugins come from. Default: every folder in `<repo>/plugins` and the npm packages in MPANEL_PLUGINS. */
export interface PluginSources {
  directories?: string[];
  packages?: string[];
  /** Already-loaded definitions (the SDK test host, embedding). */
  definitions?: PluginDefinition[];
}

/** A plugin found but not loaded yet. */
export interface PluginCandidate {
  /** Folder name or package name, for errors before the manifest is known. */
  source: string;
  directory: string | null;
  load(): Promise<PluginDefinition>;
}

export const DEFAULT_PLUGIN_DIR = fileURLToPath(new URL('../../../plugins', import.meta.url));

const ENTRY_FILES = ['plugin.ts', 'plugin.js', 'src/plugin.ts', 'src/plugin.js'];

/** `plugins/<id>/plugin.json` when the manifest is kept as JSON. */
function readJsonManifest(dir: string): PluginManifest | undefined {
  const file = join(dir, 'plugin.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PluginManifest) : undefined;
}

function entryOf(dir: string): string | undefined {
  const declared = readJsonManifest(dir)?.entry?.server;
  if (declared) return join(dir, declared);
  return ENTRY_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

async function importDefinition(specifier: string, source: string, jsonManifest?: PluginManifest): Promise<PluginDefinition> {
  const mod = (await import(specifier)) as { default?: PluginDefinition };
  const def = mod.default;
  if (!def || typeof def !== 'object' || typeof def.register !== 'function') {
    throw new Error(`Plugin "${source}": ${specifier} must default-export definePlugin({ manifest, register })`);
  }
  return def.manifest ? def : { ...def, manifest: jsonManifest as PluginManifest };
}

/**
 * Finds plugins: folders with an entry file (`plugin.ts` default-exporting `definePlugin(...)`,
 * manifest inline or in `plugin.json`), then npm packages. Folders without an entry are skipped
 * (work in progress), folders are read in name order only for stable logs — load order comes from
 * dependencies.
 */
export function discoverPlugins(sources: PluginSources = {}, env: Record<string, string | undefined> = process.env): PluginCandidate[] {
  const out: PluginCandidate[] = [];
  for (const def of sources.definitions ?? []) out.push({ source: def.manifest?.id ?? '(inline)', directory: def.directory ?? null, load: async () => def });
  const directories = sources.directories ?? (sources.definitions ? [] : [DEFAULT_PLUGIN_DIR]);
  for (const root of directories) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const folder = folderCandidate(resolve(root, name), name);
      if (folder) out.push(folder);
    }
  }
  const packages = sources.packages ?? (sources.definitions ? [] : (env.MPANEL_PLUGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  for (const pkg of packages) {
    // A path (`/srv/plugins/notes`, `./notes`) is a plugin folder outside plugins/: one being written, not yet published.
    if (/^(\/|\.\.?\/)/.test(pkg)) {
      const dir = resolve(pkg);
      out.push(folderCandidate(dir, pkg) ?? { source: pkg, directory: dir, load: () => Promise.reject(new Error(`Plugin "${pkg}": no folder with ${ENTRY_FILES.join(', ')} or plugin.json there`)) });
      continue;
    }
    out.push({ source: pkg, directory: packageDirOf(pkg), load: () => importDefinition(pkg, pkg) });
  }
  return out;
}

/** A folder with an entry file, or undefined (not a plugin, or work in progress). */
function folderCandidate(dir: string, source: string): PluginCandidate | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const entry = entryOf(dir);
  if (!entry) return undefined;
  return { source, directory: dir, load: () => importDefinition(pathToFileURL(entry).href, source, readJsonManifest(dir)) };
}

/**
 * An npm plugin's package folder (where its `migrations/` live), found as Node finds a bare
 * import: `node_modules/<pkg>` in the working directory or any folder above it, or above core.
 * Null when there is none (the import then fails with the real error).
 */
export function packageDirOf(pkg: string): string | null {
  for (const start of [process.cwd(), fileURLToPath(new URL('.', import.meta.url))]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', pkg);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dir === dirname(dir)) break;
    }
  }
  return null;
}

/** The plugin's migrations folder: `entry.migrations` or `migrations/`, if it exists. */
export function migrationsDirOf(directory: string | null, manifest: PluginManifest): string | undefined {
  if (!directory) return undefined;
  const dir = join(directory, manifest.entry?.migrations ?? 'migrations');
  return existsSync(dir) ? dir : undefined;
}

/** Each plugin's own knex bookkeeping table. */
export function migrationTableOf(id: string): string {
  return `knex_migrations_${id.replace(/-/g, '_')}`;
}
