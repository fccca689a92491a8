import type { CoreModule } from '../module.ts';
import { VERSION } from '../version.ts';
import { createBackup } from './backup-service.ts';
import { dumpSourceOf } from './sources.ts';
import { storeFor } from './store-for.ts';

/**
 * The scheduled backup (BACKUP_SCHEDULE, a cron pattern): a core job, so it runs once per tick
 * across every instance, and inside a process that holds the database (PGlite's data directory
 * can only be dumped by the process that has it open).
 */
export const backupModule: CoreModule = {
  name: 'backup',
  register(container) {
    const { config, jobQueue, db, logger } = container.cradle;
    const { schedule, keep } = config.backup;
    if (!schedule) return;
    jobQueue.define('core', 'backup', async () => {
      const made = await createBackup(dumpSourceOf(db), { store: storeFor(config.backup), keyIds: config.encryptionKeys.keys.map((k) => k.id), version: VERSION }, keep);
      logger.info({ backup: made.name, size: made.size }, 'backup made');
    }, { attempts: 3, backoffMs: 60_000 });
    jobQueue.schedule('core', 'backup', schedule, { tenantId: null });
  },
};
