import type { Command } from 'commander';
import { migrateDown, migrateUp, migrationStatus } from '../../db/migrator.ts';
import { allMigrationSets } from '../../plugins-migrations.ts';
import { cliConfig, withDatabase } from '../context.ts';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply (up), roll back the last batch (down) or list (status) core and plugin migrations')
    .argument('[direction]', 'up | down | status', 'up')
    .option('--all', 'with down: roll back every batch')
    .action(async (direction: string, opts: { all?: boolean }) => {
      if (!['up', 'down', 'status'].includes(direction)) {
        program.error(`migrate: unknown direction "${direction}" (use up, down or status)`);
      }
      const config = cliConfig();
      await withDatabase(config, async (db) => {
        const sets = await allMigrationSets();
        if (direction === 'status') {
          for (const s of await migrationStatus(db.knex, sets)) {
            process.stdout.write(`${s.owner}: ${s.completed.length} applied, ${s.pending.length} pending\n`);
            for (const p of s.pending) process.stdout.write(`  pending ${p}\n`);
          }
          return;
        }
        const names = direction === 'up' ? await migrateUp(db.knex, sets) : await migrateDown(db.knex, sets, opts.all ?? false);
        process.stdout.write(names.length ? `${direction === 'up' ? 'Applied' : 'Rolled back'}:\n${names.map((n) => `  ${n}`).join('\n')}\n` : 'Nothing to do.\n');
      });
    });
}
