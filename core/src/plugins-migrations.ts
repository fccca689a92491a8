import type { MigrationSet } from './db/migrator.ts';
import { CORE_MIGRATIONS } from './platform.ts';
import { discoverPlugins, migrationsDirOf, migrationTableOf, type PluginSources } from './plugins/discovery.ts';
import { validateManifest } from './plugins/manifest-validator.ts';
import { orderPlugins } from './plugins/order.ts';

/**
 * Core's migrations followed by each plugin's, in dependency order (for `mpanel migrate`). A plugin
 * that cannot load is left out with a warning on stderr; the server reports it as failed.
 */
export async function allMigrationSets(sources: PluginSources = {}, warn = (line: string) => void process.stderr.write(line)): Promise<MigrationSet[]> {
  const found = new Map<string, { directory: string | null; manifest: ReturnType<typeof validateManifest> }>();
  for (const candidate of discoverPlugins(sources)) {
    try {
      const def = await candidate.load();
      const manifest = validateManifest(def.manifest, candidate.source);
      found.set(manifest.id, { directory: candidate.directory, manifest });
    } catch (err) {
      warn(`Skipping plugin ${candidate.source}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const { order, rejected } = orderPlugins([...found.values()].map((f) => f.manifest));
  for (const [id, reason] of rejected) warn(`Skipping plugin ${id}: ${reason}\n`);
  const sets = [CORE_MIGRATIONS];
  for (const id of order) {
    const { directory, manifest } = found.get(id)!;
    const dir = migrationsDirOf(directory, manifest);
    if (dir) sets.push({ owner: id, tableName: migrationTableOf(id), directory: dir });
  }
  return sets;
}
