import { NotFoundError, ok, paginationQuery, type TenantRef } from '@mpanel/sdk';
import { type ApiContext, type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { Knex } from 'knex';
import type { RootContainer } from '../container.ts';
import { isPlatformTenant } from '../identity/permissions.ts';
import { requestTenant, requestTrx } from '../plugins/routes.ts';

/**
 * The dead letters the caller's tenant owns. Platform events (no tenant) are rows every tenant's
 * context can read, so they are named explicitly: only the platform's root tenant sees them.
 */
function ownDeadLetters(ctx: ApiContext) {
  const tenantId = requestTenant(ctx);
  const platform = isPlatformTenant(ctx.state.tenant as TenantRef);
  return (q: Knex.QueryBuilder) => (platform ? q.where('d.tenant_id', tenantId).orWhereNull('d.tenant_id') : q.where('d.tenant_id', tenantId));
}

/**
 * The dead-letter list: deliveries that used up their attempts, and a retry action. Queries run
 * in the request transaction, so row-level security limits them to the caller's tenant.
 */
export function eventRoutes(container: RootContainer): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/events/dead-letters',
      permission: 'events.read',
      tags: ['events'],
      summary: 'Event deliveries that failed every attempt',
      schema: { query: { type: 'object', properties: { ...paginationQuery } } },
      handler: async (ctx) => {
        const { page, perPage } = ctx.input.query as { page: number; perPage: number };
        const trx = requestTrx(ctx);
        const base = trx('event_deliveries as d').join('outbox_events as e', 'e.id', 'd.event_id').where('d.status', 'dead').where(ownDeadLetters(ctx));
        const [{ total }] = (await base.clone().count({ total: '*' })) as [{ total: number }];
        const rows = await base
          .clone()
          .select('d.id', 'd.event_id', 'e.name', 'e.payload', 'd.subscriber', 'd.attempts', 'd.last_error', 'd.updated_at', 'e.created_at')
          .orderBy('d.updated_at', 'desc')
          .limit(perPage)
          .offset((page - 1) * perPage);
        const data = rows.map((r: Record<string, unknown>) => ({
          id: r.id, eventId: r.event_id, event: r.name, payload: r.payload, subscriber: r.subscriber,
          attempts: r.attempts, lastError: r.last_error, failedAt: r.updated_at, occurredAt: r.created_at,
        }));
        return { data, meta: { total: Number(total), page, perPage } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/events/dead-letters/:id/retry',
      permission: 'events.manage',
      tags: ['events'],
      summary: 'Delivers a dead letter again (attempts start over)',
      schema: { params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } },
      handler: async (ctx) => {
        const trx = requestTrx(ctx);
        const n = await trx('event_deliveries as d').where({ 'd.id': (ctx.input.params as { id: string }).id, 'd.status': 'dead' }).where(ownDeadLetters(ctx)).update({ status: 'pending', attempts: 0, next_attempt_at: trx.fn.now(), updated_at: trx.fn.now() });
        if (!n) throw new NotFoundError('Dead letter not found');
        (ctx.state.afterCommit as Array<() => void>).push(() => container.cradle.eventDispatcher.loop.wake());
        return ok({ id: (ctx.input.params as { id: string }).id, status: 'pending' });
      },
    },
  ];
}
