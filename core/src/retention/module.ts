import { asValue } from 'awilix';
import type { CoreModule } from '../module.ts';
import { CORE_TARGETS } from './core-targets.ts';
import { RetentionRegistry } from './registry.ts';
import { RetentionPeriods } from './periods.ts';
import { RetentionRunner } from './runner.ts';
import { auditArchiver } from './audit-archive.ts';
import { RETENTION_PERMISSIONS, retentionRoutes } from './retention-routes.ts';
import { AUDIT_EXPORT_PERMISSION, auditExportRoutes } from './audit-export-route.ts';

export const RETENTION_JOB = { owner: 'core', name: 'retention' } as const;

/**
 * Retention: old operational rows and records are deleted in batches by a cron job, off the
 * request path. Listed before the plugin system: plugins add their targets while registering;
 * the job is defined at start, once the queue exists and before it starts.
 */
export const retentionModule: CoreModule = {
  name: 'retention',
  register(container) {
    const { knex, config, logger, permissionRegistry } = container.cradle;
    const registry = new RetentionRegistry();
    const archiveDir = config.retention.auditArchiveDir;
    for (const target of CORE_TARGETS) {
      registry.add(target.name === 'audit_logs' && archiveDir ? { ...target, beforeDelete: auditArchiver(archiveDir) } : target);
    }
    const periods = new RetentionPeriods(config.retention, registry);
    container.register({
      retentionRegistry: asValue(registry),
      retentionPeriods: asValue(periods),
      retention: asValue(new RetentionRunner(knex, registry, periods, config.retention, logger)),
    });
    for (const p of [...RETENTION_PERMISSIONS, AUDIT_EXPORT_PERMISSION]) permissionRegistry.register('core', p);
  },
  async start(container) {
    const { jobQueue, retention, retentionPeriods, config, logger } = container.cradle;
    // A target that failed makes the job fail, so it shows in the failed jobs list.
    jobQueue.define(RETENTION_JOB.owner, RETENTION_JOB.name, async () => {
      const report = await retention.run();
      const failed = Object.entries(report.failed);
      if (failed.length) throw new Error(`retention failed for ${failed.map(([target, message]) => `${target}: ${message}`).join('; ')}`);
      return report;
    }, { attempts: 1 });
    if (config.retention.cron) jobQueue.schedule(RETENTION_JOB.owner, RETENTION_JOB.name, config.retention.cron);
    const unknown = retentionPeriods.unknownKeys();
    if (unknown.length) logger.warn({ keys: unknown }, 'RETENTION_* variables name no retention target (misspelt, or the plugin is not loaded)');
  },
  routes: (container) => [...retentionRoutes(container), ...auditExportRoutes(container)],
};

declare module '../container.ts' {
  interface CoreCradle {
    retentionRegistry: RetentionRegistry;
    retentionPeriods: RetentionPeriods;
    retention: RetentionRunner;
  }
}
