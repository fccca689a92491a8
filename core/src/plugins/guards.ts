import { NotFoundError, type Principal, type TenantRef } from '@mpanel/sdk';
import type { Knex } from 'knex';
import type { RootContainer } from '../container.ts';
import type { RouteStage } from '../http/route-pipeline.ts';
import { outsideExecution, runInExecution, type Execution } from './execution-scope.ts';

/**
 * Makes the request an execution (tenant, principal, transaction once opened, after-commit
 * queue) so plugin code deep in a handler finds them. Runs after authentication.
 */
export const executionStage: RouteStage = () => async (ctx, next) => {
  const execution: Execution = {
    tenantId: (ctx.state.tenant as TenantRef | undefined)?.id ?? null,
    principal: (ctx.state.principal as Principal | undefined) ?? null,
    trx() {
      try {
        return ctx.scope.resolve<Knex.Transaction>('trx');
      } catch {
        return null;
      }
    },
    afterCommit(cb) {
      // The transaction stage creates the queue; a route without a transaction has nothing to wait for.
      const queue = ctx.state.afterCommit as Array<() => unknown> | undefined;
      // Outside the execution: by then the transaction is finished and must not be reused.
      if (queue) queue.push(() => outsideExecution(cb));
      else void Promise.resolve().then(() => outsideExecution(cb));
    },
  };
  await runInExecution(execution, next);
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A plugin's routes answer 404 for a tenant where the plugin is disabled. The tenant is the
 * route's `:tenantId` when it has one (provider webhooks name the tenant in the path; the Host
 * is the provider's call, not the tenant's), else the request's.
 */
export function pluginGate(container: RootContainer): RouteStage {
  return (route) => {
    if (!container.cradle.pluginManager.get(route.owner)) return undefined;
    return async (ctx, next) => {
      const param = (ctx.params as Record<string, string> | undefined)?.tenantId;
      const tenantId = param !== undefined ? (UUID.test(param) ? param : undefined) : (ctx.state.tenant as TenantRef | undefined)?.id;
      if (param !== undefined && !tenantId) throw new NotFoundError();
      if (tenantId && !(await container.cradle.pluginTenantStates.isEnabled(route.owner, tenantId))) throw new NotFoundError();
      await next();
    };
  };
}
