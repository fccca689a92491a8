import { Model } from 'objection';
import { HostingModel } from './base.ts';
import { HostingAccount } from './hosting-account.ts';

export type OperationStatus = 'queued' | 'running' | 'succeeded' | 'retrying' | 'needs_attention' | 'cancelled' | 'superseded';
export type SubjectType = 'account' | 'site' | 'database' | 'sftpUser' | 'cron' | 'server' | 'mailDomain' | 'mailbox' | 'mailAlias';
export interface OperationStep { name: string; ok: boolean; ms: number; detail?: unknown }

export class ProvisioningOperation extends HostingModel {
  static override tableName = 'provisioning_operations';
  static override jsonAttributes = ['desired', 'steps'];
  subjectType!: SubjectType;
  subjectId!: string;
  accountId!: string | null;
  serverId!: string | null;
  action!: string;
  desired!: Record<string, unknown>;
  status!: OperationStatus;
  attempt!: number;
  nextAttemptAt!: Date | null;
  errorCode!: string | null;
  errorMessage!: string | null;
  clientMessage!: string | null;
  retryable!: boolean | null;
  ambiguous!: boolean | null;
  steps!: OperationStep[];
  idempotencyKey!: string;
  triggeredBy!: string;
  workflowRunId!: string | null;
  startedAt!: Date | null;
  finishedAt!: Date | null;
  account?: HostingAccount;

  static override get relationMappings() {
    return {
      account: { relation: Model.BelongsToOneRelation, modelClass: HostingAccount, join: { from: 'provisioning_operations.account_id', to: 'hosting_accounts.id' } },
    };
  }
}
