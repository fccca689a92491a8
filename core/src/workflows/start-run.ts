import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { StartOptions } from '@mpanel/sdk';
import type { ResolvedWorkflow } from './definitions.ts';
import { summarize } from './redact.ts';
import type { SealedState } from './sealed-state.ts';

/**
 * Writes a new run (queued) in `db`, the caller's transaction. With `supersede`, older runs of the
 * same workflow for the same subject give way: those not running a step now (queued, or waiting
 * for a retry) end `superseded` at once; one running a step is marked and stops after it.
 */
export async function insertRun(db: Knex, def: ResolvedWorkflow, tenantId: string, input: unknown, options: StartOptions, state: SealedState): Promise<string> {
  const id = randomUUID();
  const subject = options.subject ?? null;
  // Starts that supersede one subject take turns (until their transactions end): each then sees,
  // and supersedes, the run the one before it committed.
  if (options.supersede && subject) await db.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`workflow:${tenantId}:${def.fullName}:${subject}`]);
  await db('workflow_runs').insert({
    id, tenant_id: tenantId, name: def.fullName, owner: def.owner, subject, status: 'queued',
    input: state.seal(input, tenantId, id), input_summary: JSON.stringify(summarize(input)),
  });
  if (options.supersede && subject) {
    const older = () => db('workflow_runs').where({ tenant_id: tenantId, name: def.fullName, subject, phase: 'forward' }).whereNot({ id }).whereNull('finished_at').whereNull('superseded_by');
    const now = new Date();
    await older().where((q) => q.where({ status: 'queued' }).orWhere((w) => w.where({ status: 'running' }).whereNull('lease_owner'))).update({ status: 'superseded', superseded_by: id, finished_at: now, updated_at: now });
    await older().whereIn('status', ['queued', 'running']).update({ superseded_by: id, updated_at: now });
  }
  return id;
}
