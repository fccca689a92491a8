import { Model } from 'objection';
import { HostingModel } from './base.ts';
import { Server } from './server.ts';
import { ServerGroupGrant } from './server-group-grant.ts';

export type Placement = 'least_full' | 'fill' | 'round_robin' | 'least_load';

export class ServerGroup extends HostingModel {
  static override tableName = 'server_groups';
  name!: string;
  description!: string | null;
  placement!: Placement;
  module!: string;
  servers?: Server[];
  grants?: ServerGroupGrant[];

  static override get relationMappings() {
    return {
      servers: { relation: Model.HasManyRelation, modelClass: Server, join: { from: 'server_groups.id', to: 'servers.group_id' } },
      grants: { relation: Model.HasManyRelation, modelClass: ServerGroupGrant, join: { from: 'server_groups.id', to: 'server_group_grants.group_id' } },
    };
  }
}
