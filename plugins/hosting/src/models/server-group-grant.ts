import { Model } from 'objection';
import { HostingModel } from './base.ts';
import { ServerGroup } from './server-group.ts';

/** Capacity of a parent tenant's group lent to a child (reseller) tenant, with quotas. */
export class ServerGroupGrant extends HostingModel {
  static override tableName = 'server_group_grants';
  groupId!: string;
  childTenantId!: string;
  maxAccounts!: number | null;
  maxDiskMb!: string | number | null;
  note!: string | null;
  group?: ServerGroup;

  static override get relationMappings() {
    return {
      group: { relation: Model.BelongsToOneRelation, modelClass: ServerGroup, join: { from: 'server_group_grants.group_id', to: 'server_groups.id' } },
    };
  }
}
