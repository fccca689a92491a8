import type { Command } from 'commander';
import { startCommand } from './start.ts';
import { migrateCommand } from './migrate.ts';
import { adminCreateCommand } from './admin-create.ts';

/** Each command adds itself to the program; one file per command. */
export const commands: Array<(program: Command) => void> = [startCommand, migrateCommand, adminCreateCommand];
