import type { Command } from 'commander';
import { buildDump } from '../../db/migrated-dump.ts';
import { allMigrationSets } from '../../plugins-migrations.ts';

/**
 * `mpanel db:template`: builds the migrated embedded database a first start loads instead of
 * running initdb and every migration (`prepare` runs it at `npm ci`). Idempotent: a dump for the
 * current migration files is kept; a start builds one itself when it finds none.
 */
export function dbTemplateCommand(program: Command): void {
  program
    .command('db:template')
    .description('build the migrated embedded database (PGlite) that a first start loads')
    .action(async () => {
      try {
        const file = await buildDump(await allMigrationSets());
        process.stdout.write(file ? `Built ${file}\n` : 'The migrated embedded database is up to date.\n');
      } catch (err) {
        // Only a cache: `npm ci` must not fail for it, and a first start builds it when missing.
        process.stderr.write(`Could not build the migrated embedded database (the first start will): ${err instanceof Error ? err.message : String(err)}\n`);
      }
    });
}
