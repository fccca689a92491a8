import { NotFoundError, ok, paginationQuery } from '@mpanel/sdk';
import { type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';
import { requestTenant } from '../plugins/routes.ts';

/** `/api/v1/jobs?status=failed` and retry; a tenant sees its own jobs. */
export function jobRoutes(container: RootContainer): RouteDefinition[] {
  const { jobQueue } = container.cradle;
  return [
    {
      method: 'GET', path: '/api/v1/jobs', permission: 'jobs.read', tags: ['jobs'], summary: 'Background jobs by status',
      schema: { query: { type: 'object', properties: { ...paginationQuery, status: { enum: ['waiting', 'active', 'completed', 'failed', 'delayed'], default: 'failed' } } } },
      handler: async (ctx) => {
        const { page, perPage, status } = ctx.input.query as { page: number; perPage: number; status: string };
        const { rows, total } = await jobQueue.list(status, requestTenant(ctx), page, perPage);
        return { data: rows, meta: { total, page, perPage } };
      },
    },
    {
      method: 'POST', path: '/api/v1/jobs/:id/retry', permission: 'jobs.manage', tags: ['jobs'], summary: 'Queues a failed job again',
      schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 300 } } } },
      handler: async (ctx) => {
        const { id } = ctx.input.params as { id: string };
        if (!(await jobQueue.retry(id, requestTenant(ctx)))) throw new NotFoundError('Failed job not found');
        return ok({ id, status: 'waiting' });
      },
    },
  ];
}
