import { Command } from 'commander';
import { ConfigError } from '../config/config.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { StartupError } from '../startup-failure.ts';
import { BackupError } from '../backup/backup-error.ts';
import { VERSION } from '../version.ts';
import { commands } from './commands/index.ts';

const program = new Command('mpanel').description('mPanel hosting control panel and billing').version(VERSION);
for (const add of commands) add(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof StartupError || err instanceof BackupError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
