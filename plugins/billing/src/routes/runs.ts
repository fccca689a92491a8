import type { Principal, RouteDefinition, TenantRef } from '@mpanel/sdk';
import { UnauthorizedError, ok } from '@mpanel/sdk';
import { isoDateSchema, objectBody, type Plugin } from './common.ts';
import { runBilling } from '../run/billing-run.ts';
import { isoDateOf } from '../domain/dates.ts';

/** The realtime event that carries a run's progress to the user who started it. */
export const RUN_PROGRESS_EVENT = 'billing:run-progress';

export function runRoutes(plugin: Plugin): RouteDefinition[] {
  return [{
    method: 'POST', path: '/api/v1/billing/runs', permission: 'billing.run', tags: ['billing'],
    summary: `Run billing for this tenant (renewal invoices, reminders, late fees, suspensions); idempotent per date. Progress goes to the caller's sockets as \`${RUN_PROGRESS_EVENT}\``,
    // The run commits batch by batch in its own transactions; a request-wide one would hold every lock to the end.
    transaction: false,
    schema: { body: objectBody({ date: isoDateSchema }) },
    handler: async (ctx) => {
      const tenant = ctx.state.tenant as TenantRef | undefined;
      if (!tenant) throw new UnauthorizedError();
      const date = (ctx.input.body as { date?: string } | undefined)?.date ?? isoDateOf(new Date());
      const userId = (ctx.state.principal as Principal | undefined)?.userId;
      const listener = userId ? plugin.realtime.toUser(userId) : null;
      const counts = await runBilling(plugin, tenant.id, date, {
        onProgress: (step, progress) => listener?.emit(RUN_PROGRESS_EVENT, { date, step, counts: progress }),
      });
      return ok({ date, ...counts });
    },
  }];
}
