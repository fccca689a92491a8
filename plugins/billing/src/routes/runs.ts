import type { RouteDefinition, TenantRef } from '@mpanel/sdk';
import { UnauthorizedError, ok } from '@mpanel/sdk';
import { isoDateSchema, objectBody, type Plugin } from './common.ts';
import { runBilling } from '../run/billing-run.ts';
import { isoDateOf } from '../domain/dates.ts';

export function runRoutes(plugin: Plugin): RouteDefinition[] {
  return [{
    method: 'POST', path: '/api/v1/billing/runs', permission: 'billing.run', tags: ['billing'],
    summary: 'Run billing for this tenant (renewal invoices, reminders, late fees, suspensions); idempotent per date',
    // The run commits batch by batch in its own transactions; a request-wide one would hold every lock to the end.
    transaction: false,
    schema: { body: objectBody({ date: isoDateSchema }) },
    handler: async (ctx) => {
      const tenant = ctx.state.tenant as TenantRef | undefined;
      if (!tenant) throw new UnauthorizedError();
      const date = (ctx.input.body as { date?: string } | undefined)?.date ?? isoDateOf(new Date());
      return ok({ date, ...(await runBilling(plugin, tenant.id, date)) });
    },
  }];
}
