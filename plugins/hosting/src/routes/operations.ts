import { type PluginContext, type RouteDefinition } from '@mpanel/sdk';
import { ProvisioningOperation } from '../models/index.ts';
import { toOperation } from '../views.ts';
import { idParams, listQuery, listRoute, paginate, route, text, uuid } from './common.ts';

const status = { enum: ['queued', 'running', 'succeeded', 'retrying', 'needs_attention', 'cancelled', 'superseded'] };

/** The Provisioning page's data: every operation, filtered by state, server, account, action. Retry and cancel come with the engine. */
export function operationRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    listRoute(plugin, {
      method: 'GET', path: '/api/v1/provisioning/operations', permission: 'provisioning.read',
      schema: { query: listQuery({ status, serverId: uuid, accountId: uuid, action: text(40), subjectType: { enum: ['account', 'site', 'database', 'sftpUser', 'cron', 'server', 'mailDomain', 'mailbox', 'mailAlias'] } }) },
    }, (h, q) => {
      const query = ProvisioningOperation.scoped(h.db);
      for (const [key, column] of [['status', 'status'], ['serverId', 'server_id'], ['accountId', 'account_id'], ['action', 'action'], ['subjectType', 'subject_type']] as const) {
        if (q[key] !== undefined) query.where(column, q[key] as string);
      }
      return paginate(query, q, ['created_at', 'id'], toOperation);
    }),
    route(plugin, { method: 'GET', path: '/api/v1/provisioning/operations/:id', permission: 'provisioning.read', schema: { params: idParams } },
      async (h, ctx) => {
        return toOperation(await ProvisioningOperation.findOwn(h.db, ctx.input.params.id!));
      }),
  ];
}
