import type { PluginContext, TenantDb } from '@mpanel/sdk';
import { loadOp, ops, type OpRow } from './operation-store.ts';

/** The workflow that runs one provisioning operation (see workflow.ts). */
export const OPERATION_WORKFLOW = 'provisioning-operation';

let engine: PluginContext | undefined;

/**
 * The plugin context the engine starts runs with. Set when the hosting plugin registers; the
 * API's `requestOperation(db, req)` keeps its signature and reaches the engine through here.
 */
export function bindEngine(ctx: PluginContext): void {
  engine = ctx;
}

export function engineBound(): boolean {
  return engine !== undefined;
}

export function engineContext(): PluginContext {
  if (!engine) throw new Error('the provisioning engine is not registered (registerProvisioning(ctx) in the hosting plugin)');
  return engine;
}

/**
 * Starts (in the caller's transaction) the workflow run of a queued operation. For an account,
 * the newest intent wins: older open operations of the same account end `superseded` (a step
 * still running on a server finishes, but its operation stays superseded and the newer run
 * converges the account), and the workflow runtime supersedes their queued runs.
 * Idempotent: an operation that has a live run keeps it.
 */
export async function startOperation(db: TenantDb, operationId: string): Promise<OpRow> {
  const op = await loadOp(db, operationId, true);
  if (!op) throw new Error(`operation ${operationId} not found`);
  if (op.workflow_run_id && op.status !== 'needs_attention') return op;
  const account = op.subject_type === 'account' && op.account_id;
  if (account) {
    await ops(db).where({ 'provisioning_operations.account_id': op.account_id, subject_type: 'account' }).whereNot('provisioning_operations.id', op.id)
      .whereIn('status', ['queued', 'retrying', 'running', 'needs_attention']).where('created_at', '<=', op.created_at)
      .update({ status: 'superseded', finished_at: db.trx.fn.now(), next_attempt_at: null, updated_at: db.trx.fn.now() });
  }
  const runId = await engineContext().workflows.start(OPERATION_WORKFLOW, { operationId: op.id }, {
    subject: `${op.subject_type}:${op.subject_id}`, supersede: !!account, tenantId: db.tenantId,
  });
  const [row] = (await ops(db).where('provisioning_operations.id', op.id)
    .update({ workflow_run_id: runId, status: 'queued', next_attempt_at: null, finished_at: null, updated_at: db.trx.fn.now() }).returning('*')) as OpRow[];
  return row!;
}
