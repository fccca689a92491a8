import { createHash } from 'node:crypto';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationSet } from './migrator.ts';

/**
 * Names the migration files of each set (name, size, mtime): a changed or added file is a new key.
 * Keys the test templates and the embedded start's migrated dump (`migrated-dump.ts`).
 */
export function migrationSetsKey(sets: MigrationSet[]): string {
  const hash = createHash('sha256');
  for (const set of sets) {
    // Tests link plugins into a fresh temporary folder each run: the real folder names the set.
    hash.update(`${set.owner}\0${set.tableName}\0${realDirectory(set.directory)}\n`);
    let files: string[] = [];
    try {
      files = readdirSync(set.directory).sort();
    } catch {
      // A set without a folder has nothing to migrate.
    }
    for (const file of files) {
      const stat = statSync(join(set.directory, file));
      hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 20);
}

function realDirectory(directory: string): string {
  try {
    return realpathSync(directory);
  } catch {
    return directory;
  }
}
