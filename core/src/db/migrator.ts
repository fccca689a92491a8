import type { Knex } from 'knex';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lockPlatformTables } from './platform-tables.ts';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * One owner's migrations with its own knex bookkeeping table: core uses `knex_migrations`,
 * each plugin `knex_migrations_<plugin id>`, so plugins can be migrated, rolled back and removed
 * independently of each other.
 */
export interface MigrationSet {
  owner: string;
  tableName: string;
  directory: string;
}

const MIGRATION_FILE = /^\d+[-_].+\.(ts|js|mjs)$/;

/** A knex migration source reading a folder of ESM/TypeScript files, in file-name order. */
class FolderSource implements Knex.MigrationSource<string> {
  constructor(private readonly directory: string) {}

  async getMigrations(): Promise<string[]> {
    let files: string[];
    try {
      files = readdirSync(this.directory);
    } catch {
      return [];
    }
    return files.filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts')).sort();
  }

  getMigrationName(file: string): string {
    return basename(file).replace(/\.(ts|js|mjs)$/, '');
  }

  async getMigration(file: string): Promise<Migration> {
    return (await import(pathToFileURL(join(this.directory, file)).href)) as Migration;
  }
}

function configFor(set: MigrationSet): Knex.MigratorConfig {
  return { migrationSource: new FolderSource(set.directory), tableName: set.tableName };
}

export interface MigrationStatus {
  owner: string;
  completed: string[];
  pending: string[];
}

export async function migrateUp(knex: Knex, sets: MigrationSet[]): Promise<string[]> {
  const applied: string[] = [];
  if (await nothingPending(knex, sets)) {
    await lockPlatformTables(knex);
    return applied;
  }
  for (const set of sets) {
    const [, names] = (await knex.migrate.latest(configFor(set))) as [number, string[]];
    applied.push(...names.map((n) => `${set.owner}:${n}`));
  }
  await lockPlatformTables(knex);
  return applied;
}

/** Rolls back the last batch of each set, the last set first (plugins before core). */
export async function migrateDown(knex: Knex, sets: MigrationSet[], all = false): Promise<string[]> {
  const reverted: string[] = [];
  for (const set of [...sets].reverse()) {
    const [, names] = (await knex.migrate.rollback(configFor(set), all)) as [number, string[]];
    reverted.push(...names.map((n) => `${set.owner}:${n}`));
  }
  return reverted;
}

export async function migrationStatus(knex: Knex, sets: MigrationSet[]): Promise<MigrationStatus[]> {
  const out: MigrationStatus[] = [];
  for (const set of sets) {
    // With a custom migration source knex lists pending migrations as the source's own items
    // (file names here), not as `{ file }` objects.
    const [completed, pending] = (await knex.migrate.list(configFor(set))) as [Array<{ name: string }>, string[]];
    out.push({
      owner: set.owner,
      completed: completed.map((c) => c.name),
      pending: pending.map((file) => basename(file).replace(/\.(ts|js|mjs)$/, '')),
    });
  }
  return out;
}

/**
 * Whether every migration file of every set is recorded as applied, in one query: knex's own
 * check costs several round trips per set (~20 sets), which was ~0.9 s of every start. A missing
 * bookkeeping table (a new plugin) fails the query: then knex decides, as before.
 */
async function nothingPending(knex: Knex, sets: MigrationSet[]): Promise<boolean> {
  const withFiles: Array<{ set: MigrationSet; names: string[] }> = [];
  for (const set of sets) {
    const source = new FolderSource(set.directory);
    const names = (await source.getMigrations()).map((file) => source.getMigrationName(file));
    if (names.length) withFiles.push({ set, names });
  }
  if (!withFiles.length) return false;
  let rows: Array<{ s: number; name: string }>;
  try {
    const result = await knex.raw(withFiles.map(() => 'select ?::int as s, name from ??').join(' union all '), withFiles.flatMap(({ set }, i) => [i, set.tableName]));
    rows = (result as { rows: Array<{ s: number; name: string }> }).rows;
  } catch {
    return false;
  }
  const done = withFiles.map(() => new Set<string>());
  for (const row of rows) done[row.s]!.add(row.name);
  // Exactly the files: a recorded migration without its file is knex's error to report.
  return withFiles.every(({ names }, i) => done[i]!.size === names.length && names.every((name) => done[i]!.has(name)));
}
