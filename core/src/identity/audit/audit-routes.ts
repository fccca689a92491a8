import { paginationQuery } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../../http/api-context.ts';
import { requestServices } from '../route-context.ts';
import { paginate } from '../pagination.ts';
import { toApi } from '../serialize.ts';

interface AuditQuery {
  page: number;
  perPage: number;
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  requestId?: string;
  from?: string;
  to?: string;
}

/** `GET /api/v1/audit-logs`: who did what, when, from where; newest first. */
export function auditRoutes(): RouteDefinition[] {
  return [
    defineRoute<Record<string, string>, AuditQuery>({
      method: 'GET',
      path: '/api/v1/audit-logs',
      permission: 'audit-logs.read',
      tags: ['audit'],
      summary: 'The tenant\'s audit log (filters: action or action prefix like `auth.*`, actorId, targetType, targetId, requestId, from, to)',
      schema: {
        query: {
          type: 'object',
          properties: {
            ...paginationQuery,
            action: { type: 'string', maxLength: 100 },
            actorId: { type: 'string', maxLength: 100 },
            targetType: { type: 'string', maxLength: 100 },
            targetId: { type: 'string', maxLength: 100 },
            requestId: { type: 'string', maxLength: 128 },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
          },
        },
      },
      handler: async (ctx) => {
        const q = ctx.input.query;
        const query = requestServices(ctx).db('audit_logs').select('*').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
        if (q.action?.endsWith('.*')) query.where('action', 'like', `${q.action.slice(0, -2).replace(/[\\%_]/g, '\\$&')}.%`);
        else if (q.action) query.where('action', q.action);
        if (q.actorId) query.where('actor_id', q.actorId);
        if (q.targetType) query.where('target_type', q.targetType);
        if (q.targetId) query.where('target_id', q.targetId);
        if (q.requestId) query.where('request_id', q.requestId);
        if (q.from) query.where('created_at', '>=', q.from);
        if (q.to) query.where('created_at', '<', q.to);
        return paginate(query, q, (row) => toApi(row));
      },
    }),
  ];
}
