import { can, isClientScoped, type Principal, type TenantDb } from '@mpanel/sdk';
import { OPEN_STATUSES } from '../provisioning/operation-store.ts';

/**
 * What a resource is waiting for: its newest open provisioning operation (queued, running,
 * retrying on the engine's schedule, or needing a person), with the reason of the last failed try.
 * Staff holding `provisioning.read` see the module's message ("dovecot reload failed (is Dovecot
 * running?)"); a client sees the neutral client message, never the raw error (HOSTING.md §6.4).
 */
export interface Pending {
  operationId: string;
  action: string;
  status: string;
  attempt: number;
  nextAttemptAt: string | null;
  reason: string | null;
}

interface OpenOp { id: string; subject_id: string; action: string; status: string; attempt: number; next_attempt_at: Date | null; error_code: string | null; error_message: string | null; client_message: string | null }

export async function pendingOf(db: TenantDb, principal: Principal, subjectIds: string[]): Promise<Map<string, Pending>> {
  const out = new Map<string, Pending>();
  if (!subjectIds.length) return out;
  const ops = (await db('provisioning_operations').whereIn('provisioning_operations.subject_id', subjectIds)
    .whereIn('provisioning_operations.status', OPEN_STATUSES).orderBy('provisioning_operations.created_at', 'desc')
    .select('id', 'subject_id', 'action', 'status', 'attempt', 'next_attempt_at', 'error_code', 'error_message', 'client_message')) as OpenOp[];
  const staff = !isClientScoped(principal) && can(principal, 'provisioning.read');
  for (const op of ops) {
    if (out.has(op.subject_id)) continue; // the newest open one: what the resource waits for now
    const failed = op.error_code !== null;
    out.set(op.subject_id, {
      operationId: op.id, action: op.action, status: op.status, attempt: op.attempt,
      nextAttemptAt: op.next_attempt_at ? new Date(op.next_attempt_at).toISOString() : null,
      reason: failed ? (staff ? `${op.error_code}: ${op.error_message ?? ''}` : op.client_message) : null,
    });
  }
  return out;
}

/** Adds `pending` to the resources that wait for an operation (absent: nothing open). */
export async function withPending<T extends { id: unknown }>(db: TenantDb, principal: Principal, rows: T[]): Promise<Array<T & { pending?: Pending }>> {
  const pending = await pendingOf(db, principal, rows.map((r) => String(r.id)));
  return rows.map((r) => {
    const p = pending.get(String(r.id));
    return p ? { ...r, pending: p } : r;
  });
}
