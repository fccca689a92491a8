import { Model } from 'objection';
import { HostingModel } from './base.ts';
import { Server } from './server.ts';
import { HostingPlan } from './hosting-plan.ts';
import { Website } from './website.ts';
import { HostingDatabase } from './hosting-database.ts';
import { SftpUser } from './sftp-user.ts';
import { CronJob } from './cron-job.ts';
import { ProvisioningOperation } from './provisioning-operation.ts';

export type DesiredState = 'active' | 'suspended' | 'terminated';
export type ObservedState = 'active' | 'suspended' | 'missing';
export interface DriftItem { field: string; desired: unknown; observed: unknown; note?: string }
export interface SetupProgress { step: number; of: number; label: string; failed?: boolean }

/** One per billing service: billing's intent (`desiredState`) next to what the server has. */
export class HostingAccount extends HostingModel {
  static override tableName = 'hosting_accounts';
  static override jsonAttributes = ['drift', 'remote', 'usage', 'setupProgress'];
  serviceId!: string;
  clientId!: string;
  serverId!: string | null;
  planId!: string;
  username!: string;
  uid!: number | null;
  domain!: string | null;
  desiredState!: DesiredState;
  suspendReason!: string | null;
  observedState!: ObservedState | null;
  observedAt!: Date | null;
  drift!: DriftItem[];
  remote!: Record<string, unknown>;
  usage!: Record<string, unknown>;
  setupProgress!: SetupProgress | null;
  server?: Server;
  plan?: HostingPlan;
  websites?: Website[];
  databases?: HostingDatabase[];
  sftpUsers?: SftpUser[];
  cronJobs?: CronJob[];
  operations?: ProvisioningOperation[];

  static override get relationMappings() {
    const many = (modelClass: typeof HostingModel, table: string) => ({
      relation: Model.HasManyRelation, modelClass, join: { from: 'hosting_accounts.id', to: `${table}.account_id` },
    });
    return {
      server: { relation: Model.BelongsToOneRelation, modelClass: Server, join: { from: 'hosting_accounts.server_id', to: 'servers.id' } },
      plan: { relation: Model.BelongsToOneRelation, modelClass: HostingPlan, join: { from: 'hosting_accounts.plan_id', to: 'hosting_plans.id' } },
      websites: many(Website, 'websites'),
      databases: many(HostingDatabase, 'hosting_databases'),
      sftpUsers: many(SftpUser, 'sftp_users'),
      cronJobs: many(CronJob, 'cron_jobs'),
      operations: many(ProvisioningOperation, 'provisioning_operations'),
    };
  }
}
