import { ok, type RouteDefinition } from '@mpanel/sdk';
import type { SupportContext } from '../desk.ts';
import { deskRoute, objectBody } from './common.ts';
import { runMaintenance } from '../tickets/maintenance.ts';

/**
 * Runs the SLA check and auto-close for the caller's tenant now, or as of `now` (checking ahead,
 * like billing's dated runs): `support.maintenance`, held by admins only.
 */
export function maintenanceRoutes(ctx: SupportContext): RouteDefinition[] {
  return [
    deskRoute<unknown, unknown, { now?: string }>(ctx, {
      method: 'POST', path: '/api/v1/support/maintenance', permission: 'support.maintenance', summary: 'SLA warnings, escalation and auto-close for this tenant',
      schema: { body: objectBody({ now: { type: 'string', format: 'date-time' } }) },
    }, async (desk, _p, req) => {
      if (req.body?.now) desk.now = new Date(req.body.now);
      return ok(await runMaintenance(desk));
    }),
  ];
}
