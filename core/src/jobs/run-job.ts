import type { Knex } from 'knex';
import type { JobContext, PluginLogger } from '@mpanel/sdk';
import { applyTenantContext } from '../tenancy/context.ts';
import { runInExecution, systemExecution } from '../plugins/execution-scope.ts';
import type { JobDefinition } from './job-queue.ts';

export interface JobRun {
  id: string;
  data: unknown;
  tenantId: string | null;
  attempt: number;
}

/** Runs a handler as the system principal of the job's tenant; both backends call this. */
export async function runJob(knex: Knex, def: JobDefinition, run: JobRun, logger: PluginLogger): Promise<unknown> {
  const afterCommit: Array<() => void | Promise<void>> = [];
  const ctx: JobContext = {
    id: run.id,
    name: def.fullName.slice(def.owner.length + 1),
    data: run.data,
    tenantId: run.tenantId,
    attempt: run.attempt,
    logger: logger.child({ job: def.fullName, jobId: run.id }),
    transaction: (fn) =>
      knex.transaction(async (trx: Knex.Transaction) => {
        await applyTenantContext(trx, run.tenantId ?? undefined);
        return runInExecution(systemExecution(run.tenantId, trx, afterCommit), () => fn(trx));
      }),
  };
  const result = await runInExecution(systemExecution(run.tenantId, null, afterCommit), () => def.handler(ctx));
  for (const cb of afterCommit.splice(0)) await cb();
  return result;
}

export function backoffDelay(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), 3_600_000);
}
