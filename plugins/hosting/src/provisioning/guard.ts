import type { PluginContext, StepContext } from '@mpanel/sdk';
import { classify, decide, toWorkflowError } from './failures.ts';
import { emitFailed, toastAttention } from './notify.ts';
import { appendSteps, FINAL_STATUSES, loadOp, tenantDb, updateOpenOp, type OpRow, type StoredStep } from './operation-store.ts';
import { setProgress } from './progress.ts';

export interface OperationInput { operationId: string }

/** What a step of an operation's run gets: the operation as it was when the try began, and a step log. */
export interface OpStep {
  plugin: PluginContext;
  s: StepContext<OperationInput>;
  op: OpRow;
  /** The operation was `running` when this try began: the try before was cut off (worker died, step timed out). */
  interrupted: boolean;
  log: StoredStep[];
}

export type Skipped = { skipped: string };

/**
 * Runs one step of an operation's workflow: skips it when the operation already ended (cancelled,
 * superseded: last intent wins), marks it running, and on failure records the outcome and decides
 * by the retry policy (HOSTING.md §6.4): retryable → `retrying` on the 30 s … 6 h schedule (the
 * runtime waits exactly that); not retryable, or the last try → `needs_attention` with the
 * actionable message for staff, a neutral one for the client, `provisioning.failed` and a toast.
 */
export async function guarded<R>(plugin: PluginContext, s: StepContext<OperationInput>, fn: (step: OpStep) => Promise<R>): Promise<R | Skipped> {
  const begun = await s.transaction(async (trx) => {
    const db = tenantDb(trx, s.tenantId);
    const op = await loadOp(db, s.input.operationId, true);
    if (!op || FINAL_STATUSES.includes(op.status)) return { skipped: op ? op.status : 'operation removed' } as Skipped;
    const interrupted = op.status === 'running';
    await updateOpenOp(db, op.id, { status: 'running', started_at: op.started_at ?? new Date(), next_attempt_at: null });
    return { op, interrupted };
  });
  if ('skipped' in begun) return begun;
  const step: OpStep = { plugin, s, op: begun.op, interrupted: begun.interrupted, log: [] };
  try {
    return await fn(step);
  } catch (err) {
    const c = classify(err);
    const d = decide(c, s.attempt);
    const ended = await s.transaction(async (trx) => {
      const db = tenantDb(trx, s.tenantId);
      await appendSteps(db, step.op.id, step.log);
      const changed = await updateOpenOp(db, step.op.id, {
        status: d.kind === 'retry' ? 'retrying' : 'needs_attention',
        next_attempt_at: d.kind === 'retry' ? new Date(Date.now() + d.delayMs) : null,
        error_code: c.code, error_message: c.message, client_message: c.clientMessage, retryable: c.retryable,
        // Once the outcome of a try was unknown, every later try observes first.
        ambiguous: c.ambiguous || !!step.op.ambiguous,
      });
      if (!changed) return undefined;
      const op = (await loadOp(db, step.op.id))!;
      if (d.kind === 'attention') {
        await emitFailed(plugin, trx, op);
        if (op.action === 'create' && op.account_id) await setProgress(db, op.account_id, { failed: true });
      }
      return op;
    });
    if (!ended) return { skipped: 'ended while the step ran' };
    if (d.kind === 'attention') toastAttention(plugin, ended, ended.desired?.username ? String(ended.desired.username) : ended.subject_id);
    throw toWorkflowError(c, d);
  }
}
