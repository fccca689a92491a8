import type { Command } from 'commander';
import { storeFor } from '../../backup/store-for.ts';
import { createBackup, listBackups, readManifest, type BackupContext } from '../../backup/backup-service.ts';
import { restoreBackup } from '../../backup/restore.ts';
import { dumpSourceOf, restoreTargetOf } from '../../backup/sources.ts';
import type { Config } from '../../config/config.ts';
import { VERSION } from '../../version.ts';
import { cliConfig, withDatabase } from '../context.ts';

function context(config: Config): { ctx: BackupContext; keep: number } {
  const backup = config.backup;
  return { ctx: { store: storeFor(backup), keyIds: config.encryptionKeys.keys.map((k) => k.id), version: VERSION }, keep: backup.keep };
}

/** `mpanel backup`, `mpanel backup:list`, `mpanel restore <name>`: see docs/deploy.md, "Backups". */
export function backupCommands(program: Command): void {
  program
    .command('backup')
    .description('dump the database to BACKUP_DIR or the BACKUP_S3_BUCKET, then keep the newest BACKUP_KEEP')
    .action(async () => {
      const config = cliConfig();
      const { ctx, keep } = context(config);
      const made = await withDatabase(config, (db) => createBackup(dumpSourceOf(db), ctx, keep));
      process.stdout.write(`Backed up to ${ctx.store.where}: ${made.name} (${made.size} bytes, sha256 ${made.sha256})\n`);
    });

  program
    .command('backup:list')
    .description('list the complete backups, newest first')
    .action(async () => {
      const { ctx } = context(cliConfig());
      for (const name of await listBackups(ctx.store)) {
        const m = await readManifest(ctx.store, name);
        process.stdout.write(`${name}  ${m.createdAt}  ${m.size} bytes  keys ${m.keyIds.join(',')}\n`);
      }
    });

  program
    .command('restore')
    .description('replace the database with a backup (stop every mPanel instance first)')
    .argument('<name>', 'a name from backup:list')
    .option('--force', 'restore even when the keyring lacks keys the backup was sealed with')
    .action(async (name: string, opts: { force?: boolean }) => {
      const config = cliConfig();
      const { ctx } = context(config);
      await restoreBackup(name, restoreTargetOf(config), ctx, { force: opts.force });
      process.stdout.write(`Restored ${name} from ${ctx.store.where}\n`);
    });
}
