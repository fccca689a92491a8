import type { HostingPlanLimits } from '@mpanel/sdk';
import { Model } from 'objection';
import { HostingModel } from './base.ts';
import { ServerGroup } from './server-group.ts';

/** What a suspended account loses; each flag true = that part is switched off while suspended. */
export interface SuspensionPolicy {
  /** `503`: a "suspended" page; `off`: the vhost answers like an unknown host. */
  web: '503' | 'off';
  sftp: boolean;
  db: boolean;
  cron: boolean;
  mailReceive: boolean;
}

export class HostingPlan extends HostingModel {
  static override tableName = 'hosting_plans';
  static override jsonAttributes = ['limits', 'suspensionPolicy'];
  name!: string;
  description!: string | null;
  serverGroupId!: string | null;
  limits!: HostingPlanLimits;
  suspensionPolicy!: Partial<SuspensionPolicy>;
  remotePackage!: string | null;
  retired!: boolean;
  serverGroup?: ServerGroup;

  static override get relationMappings() {
    return {
      serverGroup: { relation: Model.BelongsToOneRelation, modelClass: ServerGroup, join: { from: 'hosting_plans.server_group_id', to: 'server_groups.id' } },
    };
  }
}
