import type { Command } from 'commander';
import { startCommand } from './start.ts';
import { migrateCommand } from './migrate.ts';
import { dbTemplateCommand } from './db-template.ts';
import { adminCreateCommand } from './admin-create.ts';
import { pluginsListCommand } from './plugins-list.ts';
import { pluginCreateCommand } from './plugin-create.ts';
import { pluginCommandsCommand } from './plugin-commands.ts';
import { keysRotateCommand } from './keys-rotate.ts';
import { backupCommands } from './backup.ts';
import { auditExportCommand } from './audit-export.ts';
import { retentionRunCommand } from './retention-run.ts';
import { pluginBuildCommand } from './plugin-build.ts';
import { pluginDevCommand } from './plugin-dev.ts';

/** Each command adds itself to the program; one file per command. */
export const commands: Array<(program: Command) => void> = [startCommand, migrateCommand, dbTemplateCommand, adminCreateCommand, keysRotateCommand, auditExportCommand, retentionRunCommand, pluginsListCommand, pluginCreateCommand, pluginCommandsCommand, pluginBuildCommand, pluginDevCommand, backupCommands];
