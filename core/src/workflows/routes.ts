import { ok, paginationQuery, NotFoundError } from '@mpanel/sdk';
import type { CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';
import { paginate } from '../identity/pagination.ts';
import { requestTenant, requestTrx } from '../plugins/routes.ts';
import { cancelRun, retryRun } from './run-actions.ts';
import { RUN_LIST_COLUMNS, runView, stepView } from './views.ts';

export const WORKFLOW_PERMISSIONS = [
  { name: 'workflows.read', description: 'See workflow runs and their steps', defaultRoles: ['admin', 'manager', 'support', 'technician'] },
  { name: 'workflows.manage', description: 'Retry and cancel workflow runs; told when a run needs attention', defaultRoles: ['admin', 'technician'] },
];

const STATUS = { enum: ['queued', 'running', 'compensating', 'succeeded', 'failed', 'needs_attention', 'cancelled', 'superseded'] };
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } };

/** `/api/v1/workflows`: runs of the caller's tenant (row-level security and an explicit tenant filter). */
export function workflowRoutes(container: RootContainer): RouteDefinition[] {
  const afterCommit = (ctx: { state: Record<string, unknown> }, fn: () => Promise<void>) =>
    (ctx.state.afterCommit as Array<() => Promise<void>>).push(fn);
  return [
    {
      method: 'GET', path: '/api/v1/workflows', permission: 'workflows.read', tags: ['workflows'], summary: 'Workflow runs, newest first',
      schema: {
        query: {
          type: 'object', additionalProperties: false,
          properties: { ...paginationQuery, status: STATUS, subject: { type: 'string', minLength: 1, maxLength: 300 }, name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
      handler: async (ctx) => {
        const q = ctx.input.query as { page: number; perPage: number; status?: string; subject?: string; name?: string };
        const query = requestTrx(ctx)('workflow_runs').where({ tenant_id: requestTenant(ctx) }).select(RUN_LIST_COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
        for (const key of ['status', 'subject', 'name'] as const) if (q[key]) query.where(key, q[key]);
        return paginate(query, q, runView);
      },
    },
    {
      method: 'GET', path: '/api/v1/workflows/:id', permission: 'workflows.read', tags: ['workflows'], summary: 'A run with its steps as a timeline',
      schema: { params: idParams },
      handler: async (ctx) => {
        const { id } = ctx.input.params as { id: string };
        const trx = requestTrx(ctx);
        const tenantId = requestTenant(ctx);
        const run = await trx('workflow_runs').where({ id, tenant_id: tenantId }).first([...RUN_LIST_COLUMNS, 'input_summary']);
        if (!run) throw new NotFoundError('Workflow run not found');
        const steps = await trx('workflow_steps').where({ run_id: id, tenant_id: tenantId }).orderBy([{ column: 'started_at', order: 'asc', nulls: 'last' }, 'position']);
        return ok({ ...runView(run), inputSummary: run.input_summary ?? null, steps: steps.map(stepView) });
      },
    },
    {
      method: 'POST', path: '/api/v1/workflows/:id/retry', permission: 'workflows.manage', tags: ['workflows'], summary: 'Resumes a failed or needs-attention run at the step that failed',
      schema: { params: idParams },
      handler: async (ctx) => {
        const run = await retryRun(requestTrx(ctx), requestTenant(ctx), (ctx.input.params as { id: string }).id);
        afterCommit(ctx, () => container.cradle.workflows.kick(run.id));
        return ok(runView(run), 'Run queued again');
      },
    },
    {
      method: 'POST', path: '/api/v1/workflows/:id/cancel', permission: 'workflows.manage', tags: ['workflows'], summary: 'Cancels a queued, running or needs-attention run',
      schema: { params: idParams },
      handler: async (ctx) => {
        const { run, kick } = await cancelRun(requestTrx(ctx), requestTenant(ctx), (ctx.input.params as { id: string }).id, container.cradle.workflows.registry);
        if (kick) afterCommit(ctx, () => container.cradle.workflows.kick(run.id));
        return ok(runView(run), run.cancel_requested ? 'Cancel requested: the worker running it interrupts its step and ends it' : undefined);
      },
    },
  ];
}
