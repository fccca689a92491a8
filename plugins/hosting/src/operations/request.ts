import type { TenantDb } from '@mpanel/sdk';
import { HostingAccount, ProvisioningOperation, type SubjectType } from '../models/index.ts';
import { engineBound, startOperation } from '../provisioning/start.ts';

export interface OperationRequest {
  subjectType: SubjectType;
  subjectId: string;
  /** The hosting account the subject belongs to (the account itself for `subjectType: 'account'`). */
  accountId: string | null;
  /** `create`, `suspend`, `resource.ensure`, `resource.remove`... (SDK ProvisioningAction). */
  action: string;
  /** Snapshot of what should exist; never a plain-text secret. */
  desired: Record<string, unknown>;
  /** Event id, `user:<id>` or `system:<what>`. */
  triggeredBy: string;
  /** One per intent (`<subject>:<action>:<event or request id>`): asking twice returns the first row. */
  idempotencyKey: string;
}

/**
 * Records that something must change on a server: a `queued` operation row, in the caller's
 * transaction (so it exists exactly when the change that needs it commits). What runs it is the
 * provisioning engine (src/provisioning/**), which may extend this body but keeps the signature.
 * (Objection maps row properties to columns, not where-clauses: those name the columns.)
 */
export async function requestOperation(db: TenantDb, req: OperationRequest): Promise<ProvisioningOperation> {
  const serverId = req.accountId ? ((await HostingAccount.scoped(db).findById(req.accountId).select('server_id'))?.serverId ?? null) : null;
  const row: Record<string, unknown> = {
    tenantId: db.tenantId,
    subjectType: req.subjectType,
    subjectId: req.subjectId,
    accountId: req.accountId,
    serverId,
    action: req.action,
    desired: req.desired,
    status: 'queued',
    triggeredBy: req.triggeredBy,
    idempotencyKey: req.idempotencyKey,
  };
  const inserted = (await ProvisioningOperation.query(db.trx).insert(row).onConflict(['tenant_id', 'idempotency_key']).ignore().returning('*')) as unknown as ProvisioningOperation | undefined;
  if (inserted?.id) {
    // The engine runs it: a workflow run written in this same transaction (it starts after the commit).
    if (engineBound()) await startOperation(db, inserted.id);
    return (await ProvisioningOperation.scoped(db).findById(inserted.id))!;
  }
  return (await ProvisioningOperation.scoped(db).findOne({ idempotency_key: req.idempotencyKey }))!;
}
