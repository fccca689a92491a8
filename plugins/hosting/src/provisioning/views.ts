import type { OpRow } from './operation-store.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** An operation as staff see it (the API's camelCase shape); the steps timeline only on the detail. */
export function operationView(op: OpRow, withSteps = false) {
  return {
    id: op.id,
    subjectType: op.subject_type,
    subjectId: op.subject_id,
    accountId: op.account_id,
    serverId: op.server_id,
    action: op.action,
    status: op.status,
    attempt: op.attempt,
    nextAttemptAt: iso(op.next_attempt_at),
    errorCode: op.error_code,
    errorMessage: op.error_message,
    clientMessage: op.client_message,
    retryable: op.retryable,
    ambiguous: op.ambiguous,
    idempotencyKey: op.idempotency_key,
    triggeredBy: op.triggered_by,
    workflowRunId: op.workflow_run_id,
    startedAt: iso(op.started_at),
    finishedAt: iso(op.finished_at),
    createdAt: iso(op.created_at),
    updatedAt: iso(op.updated_at),
    ...(withSteps ? { desired: op.desired, steps: op.steps ?? [] } : {}),
  };
}
