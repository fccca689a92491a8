import { ConflictError, NotFoundError } from '@mpanel/sdk';
import type { Knex } from 'knex';
import type { WorkflowRegistry } from './definitions.ts';

type Row = Record<string, unknown> & { id: string; status: string; phase: string; lease_owner: string | null; lease_until: Date | null; name: string };

async function lockRun(trx: Knex.Transaction, tenantId: string, id: string): Promise<Row> {
  const run = (await trx('workflow_runs').where({ id, tenant_id: tenantId }).forUpdate().first()) as Row | undefined;
  if (!run) throw new NotFoundError('Workflow run not found');
  return run;
}

const reopened = { finished_at: null, last_error: null, notified_at: null, next_attempt_at: new Date(0), cancel_requested: false, lease_owner: null, lease_until: null };

/**
 * Retry of a failed or needs-attention run, in the request's transaction: the step that failed
 * (or the compensation that failed) runs again. A failed run was compensated: its undone steps
 * run again from the first of them. The caller kicks the run after the commit.
 */
export async function retryRun(trx: Knex.Transaction, tenantId: string, id: string): Promise<Row> {
  const run = await lockRun(trx, tenantId, id);
  if (run.status !== 'failed' && run.status !== 'needs_attention') throw new ConflictError(`A ${run.status} run cannot be retried`, { status: run.status });
  const steps = () => trx('workflow_steps').where({ run_id: id, tenant_id: tenantId });
  const now = new Date();
  if (run.status === 'needs_attention' && run.phase === 'compensate') {
    await steps().where({ kind: 'compensate', status: 'failed' }).update({ status: 'pending', updated_at: now });
    await trx('workflow_runs').where({ id }).update({ ...reopened, status: 'compensating', updated_at: now });
  } else {
    await steps().where({ kind: 'compensate' }).delete();
    await steps().where({ kind: 'run' }).whereIn('status', ['failed', 'compensated', 'waiting', 'running']).update({ status: 'pending', finished_at: null, updated_at: now });
    await trx('workflow_runs').where({ id }).update({ ...reopened, status: 'queued', phase: 'forward', compensate_outcome: null, updated_at: now });
  }
  return (await trx('workflow_runs').where({ id }).first()) as Row;
}

/**
 * Cancel of a queued, running or needs-attention run. A worker holding the run is asked to stop
 * (`cancel_requested`: its step is interrupted and it ends the run, with compensations if the
 * workflow wants them); otherwise it is done here. Resolves to whether the run needs a kick.
 */
export async function cancelRun(trx: Knex.Transaction, tenantId: string, id: string, registry: WorkflowRegistry): Promise<{ run: Row; kick: boolean }> {
  const run = await lockRun(trx, tenantId, id);
  if (!['queued', 'running', 'needs_attention'].includes(run.status)) throw new ConflictError(`A ${run.status} run cannot be cancelled`, { status: run.status });
  const now = new Date();
  const update = async (changes: Record<string, unknown>) => {
    await trx('workflow_runs').where({ id }).update({ ...changes, updated_at: now });
    return (await trx('workflow_runs').where({ id }).first()) as Row;
  };
  const held = run.lease_owner && run.lease_until && new Date(run.lease_until).getTime() > Date.now();
  if (held) return { run: await update({ cancel_requested: true }), kick: false };
  // No live lease: a worker that stalled past it must not write over this decision (its writes need the lease).
  const unleased = { lease_owner: null, lease_until: null };
  const def = registry.get(run.name);
  const compensable = def?.compensateOnCancel && run.phase === 'forward'
    ? (await trx('workflow_steps').where({ run_id: id, kind: 'run', status: 'succeeded' }).pluck('position')).some((p: number) => def.steps[p]?.compensate)
    : false;
  if (compensable) return { run: await update({ ...unleased, status: 'compensating', phase: 'compensate', compensate_outcome: 'cancelled', next_attempt_at: new Date(0), cancel_requested: false }), kick: true };
  return { run: await update({ ...unleased, status: 'cancelled', finished_at: now, cancel_requested: false }), kick: false };
}
