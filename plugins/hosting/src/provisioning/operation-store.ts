import type { Knex } from 'knex';
import { createTenantDb, type TenantDb } from '@mpanel/sdk';
import { redact } from './redact.ts';

/**
 * The engine's reads and writes of `provisioning_operations` (plain knex on the caller's tenant
 * transaction: row-level security applies, and the tenant filter is added here too). Status
 * changes never touch an operation a person or a newer intent already ended: a superseded or
 * cancelled operation stays so even when a step that was running finishes afterwards.
 */

export type OpStatus = 'queued' | 'running' | 'succeeded' | 'retrying' | 'needs_attention' | 'cancelled' | 'superseded';
export const FINAL_STATUSES: OpStatus[] = ['succeeded', 'cancelled', 'superseded'];
export const OPEN_STATUSES: OpStatus[] = ['queued', 'running', 'retrying', 'needs_attention'];

export interface OpRow {
  id: string;
  tenant_id: string;
  subject_type: string;
  subject_id: string;
  account_id: string | null;
  server_id: string | null;
  action: string;
  desired: Record<string, unknown>;
  status: OpStatus;
  attempt: number;
  next_attempt_at: Date | null;
  error_code: string | null;
  error_message: string | null;
  client_message: string | null;
  retryable: boolean | null;
  ambiguous: boolean | null;
  steps: StoredStep[];
  idempotency_key: string;
  triggered_by: string;
  workflow_run_id: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface StoredStep {
  name: string;
  ok: boolean;
  ms: number;
  at: string;
  attempt: number;
  detail?: unknown;
  request?: unknown;
  response?: unknown;
}

export const ops = (db: TenantDb) => db('provisioning_operations');

export async function loadOp(db: TenantDb, id: string, lock = false): Promise<OpRow | undefined> {
  const q = ops(db).where('provisioning_operations.id', id);
  if (lock) q.forUpdate();
  return (await q.first()) as OpRow | undefined;
}

/** Updates an operation unless it ended meanwhile (superseded, cancelled, succeeded); whether it did. */
export async function updateOpenOp(db: TenantDb, id: string, changes: Partial<Record<keyof OpRow, unknown>>): Promise<boolean> {
  const n = await ops(db).where('provisioning_operations.id', id).whereNotIn('status', FINAL_STATUSES).update({ ...changes, updated_at: db.trx.fn.now() });
  return n > 0;
}

/** Appends steps (already redacted) to the operation's timeline in one statement. */
export async function appendSteps(db: TenantDb, id: string, steps: StoredStep[]): Promise<void> {
  if (!steps.length) return;
  await ops(db).where('provisioning_operations.id', id).update({
    steps: db.trx.raw(`coalesce(steps, '[]'::jsonb) || ?::jsonb`, [JSON.stringify(steps)]),
    updated_at: db.trx.fn.now(),
  });
}

/** A step record as a module reports it through `OperationContext.step`, secrets redacted by key name. */
export function stepRecord(name: string, attempt: number, data: { request?: unknown; response?: unknown; ok: boolean; ms?: number; detail?: unknown }, redactKeys: string[] = []): StoredStep {
  return {
    name: name.slice(0, 200), ok: !!data.ok, ms: Math.max(0, Math.round(data.ms ?? 0)), at: new Date().toISOString(), attempt,
    ...(data.request !== undefined ? { request: redact(data.request, redactKeys) } : {}),
    ...(data.response !== undefined ? { response: redact(data.response, redactKeys) } : {}),
    ...(data.detail !== undefined ? { detail: redact(data.detail, redactKeys) } : {}),
  };
}

/** A transaction-bound tenant db (the handler's, the request's, a workflow step's). */
export const tenantDb = (trx: Knex.Transaction, tenantId: string): TenantDb => createTenantDb(trx, tenantId);
