import { Model } from 'objection';
import { HostingModel } from './base.ts';
import { ServerGroup } from './server-group.ts';
import { HostingAccount } from './hosting-account.ts';

export type ServerStatus = 'enrolling' | 'online' | 'offline' | 'draining' | 'maintenance';

export class Server extends HostingModel {
  static override tableName = 'servers';
  static override jsonAttributes = ['capabilities', 'facts'];
  groupId!: string | null;
  name!: string;
  hostname!: string;
  module!: string;
  address!: string | null;
  port!: number | null;
  status!: ServerStatus;
  maxAccounts!: number | null;
  maxDiskGb!: number | null;
  capabilities!: Record<string, unknown>;
  facts!: Record<string, unknown>;
  agentPublicKey!: string | null;
  /** Sealed (ctx.secrets); never leaves the API. */
  credentials!: string | null;
  lastSeenAt!: Date | null;
  group?: ServerGroup;
  accounts?: HostingAccount[];

  static override get relationMappings() {
    return {
      group: { relation: Model.BelongsToOneRelation, modelClass: ServerGroup, join: { from: 'servers.group_id', to: 'server_groups.id' } },
      accounts: { relation: Model.HasManyRelation, modelClass: HostingAccount, join: { from: 'servers.id', to: 'hosting_accounts.server_id' } },
    };
  }
}
