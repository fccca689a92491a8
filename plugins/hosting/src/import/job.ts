import type { PluginContext } from '@mpanel/sdk';
import { IMPORT_JOB, importRoutes } from './routes.ts';
import { runImport } from './run.ts';
import { tenantDb } from '../provisioning/operation-store.ts';
import { registerImportCli } from './cli.ts';

/** Import of existing accounts: the routes, the job that runs an import, and `mpanel hosting:import`. */
export function registerImport(plugin: PluginContext): void {
  for (const route of importRoutes(plugin)) plugin.routes.add(route);
  plugin.jobs.define<{ importId: string }>(IMPORT_JOB, async (job) => {
    const tenantId = job.tenantId!;
    try {
      await runImport(plugin, tenantId, job.data.importId);
    } catch (err) {
      // One attempt: a half-done import is finished by starting another (done accounts are skipped).
      await plugin.db.transaction(tenantId, (trx) => tenantDb(trx, tenantId)('hosting_imports').where('hosting_imports.id', job.data.importId).whereIn('status', ['queued', 'running'])
        .update({ status: 'failed', error: err instanceof Error ? err.message : String(err), finished_at: new Date(), updated_at: trx.fn.now() }));
      throw err;
    }
  }, { attempts: 1 });
  registerImportCli(plugin);
}
