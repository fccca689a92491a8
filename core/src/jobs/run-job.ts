import type { Knex } from 'knex';
import type { JobContext, PluginLogger } from '@mpanel/sdk';
import { applyTenantContext } from '../tenancy/context.ts';
import { runInExecution, systemExecution } from '../plugins/execution-scope.ts';
import type { JobDefinition } from './job-queue.ts';
import type { JobLease } from './job-lease.ts';

export interface JobRun {
  id: string;
  data: unknown;
  tenantId: string | null;
  attempt: number;
}

type AfterCommit = () => void | Promise<void>;

/**
 * Runs a handler as the system principal of the job's tenant; both backends call this. The run
 * ends (rejects) as soon as the lease's signal fires, so a timed-out job frees its slot even if
 * its handler does not listen to the signal.
 */
export async function runJob(knex: Knex, def: JobDefinition, run: JobRun, logger: PluginLogger, lease: JobLease): Promise<unknown> {
  const afterJob: AfterCommit[] = [];
  const ctx: JobContext = {
    id: run.id,
    name: def.fullName.slice(def.owner.length + 1),
    data: run.data,
    tenantId: run.tenantId,
    attempt: run.attempt,
    logger: logger.child({ job: def.fullName, jobId: run.id }),
    signal: lease.signal,
    transaction: async (fn) => {
      // Callbacks of this transaction only, run once it has committed: if it rolls back (and the
      // handler carries on), what it queued for after commit — a job relayed to BullMQ — never happens.
      const afterCommit: AfterCommit[] = [];
      const result = await knex.transaction(async (trx: Knex.Transaction) => {
        await applyTenantContext(trx, run.tenantId ?? undefined);
        return runInExecution(systemExecution(run.tenantId, trx, afterCommit), () => fn(trx));
      });
      for (const cb of afterCommit) await cb();
      return result;
    },
  };
  const handler = Promise.resolve(runInExecution(systemExecution(run.tenantId, null, afterJob), () => def.handler(ctx)));
  handler.catch(() => undefined); // after an abort nobody awaits it any more
  const result = await Promise.race([handler, lease.aborted()]);
  for (const cb of afterJob.splice(0)) await cb();
  return result;
}

export function backoffDelay(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), 3_600_000);
}
