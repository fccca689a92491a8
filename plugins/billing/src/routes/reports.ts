import type { RouteDefinition } from '@mpanel/sdk';
import { route, type Plugin } from './common.ts';
import { billingStats } from '../services/reports.ts';

/** `GET /api/v1/billing/stats[?month=YYYY-MM]`: the admin dashboard's billing figures. */
export function reportRoutes(plugin: Plugin): RouteDefinition[] {
  return [
    route(plugin, {
      method: 'GET', path: '/api/v1/billing/stats', permission: 'billing.reports.read',
      summary: 'Revenue (payments − refunds) in a month, MRR, unpaid and overdue invoices, active services; money per currency',
      schema: { query: { type: 'object', additionalProperties: false, properties: { month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } } } },
    }, (b, ctx) => billingStats(b, (ctx.input.query as { month?: string }).month)),
  ];
}
