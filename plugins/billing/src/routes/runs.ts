import type { RouteDefinition } from '@mpanel/sdk';
import { UnauthorizedError, ValidationError, ok, requirePermission } from '@mpanel/sdk';
import { isoDateSchema, objectBody, type Plugin } from './common.ts';
import { previewBilling, runBilling, type RunPreview } from '../run/billing-run.ts';
import { FORCE_RUN_PERMISSION, withinRunWindow } from '../run/run-date.ts';
import { isoDateOf } from '../domain/dates.ts';
import { withDefaults } from '../settings.ts';

/** The realtime event that carries a run's progress to the user who started it. */
export const RUN_PROGRESS_EVENT = 'billing:run-progress';

/** A dry run lists at most this many effects of each kind (the counts have the full numbers). */
const PREVIEW_LIMIT = 100;

/** The dry run's events by name (what would be mailed, invoiced, suspended...), the run's own summary left out. */
function effectsOf(preview: RunPreview): Record<string, Array<Record<string, unknown>>> {
  const effects: Record<string, Array<Record<string, unknown>>> = {};
  for (const { name, payload } of preview.events) {
    if (name === 'billing.runCompleted') continue;
    const list = (effects[name] ??= []);
    if (list.length < PREVIEW_LIMIT) list.push(payload);
  }
  return effects;
}

export function runRoutes(plugin: Plugin): RouteDefinition[] {
  return [{
    method: 'POST', path: '/api/v1/billing/runs', permission: 'billing.run', tags: ['billing'],
    summary: `Run billing for this tenant (renewal invoices, reminders, late fees, suspensions); idempotent per date. Progress goes to the caller's sockets as \`${RUN_PROGRESS_EVENT}\`. `
      + `The date must be within the tenant's billingRunDateWindowDays of today unless \`force\` (permission ${FORCE_RUN_PERMISSION}); \`dryRun\` answers what the run would do and writes nothing`,
    // The run commits batch by batch in its own transactions; a request-wide one would hold every lock to the end.
    transaction: false,
    schema: { body: objectBody({ date: isoDateSchema, force: { type: 'boolean' }, dryRun: { type: 'boolean' } }) },
    handler: async (ctx) => {
      const { tenant, principal } = ctx;
      if (!tenant) throw new UnauthorizedError();
      const body = (ctx.input.body ?? {}) as { date?: string; force?: boolean; dryRun?: boolean };
      const today = isoDateOf(new Date());
      const date = body.date ?? today;
      if (body.dryRun) {
        const preview = await previewBilling(plugin, tenant.id, date);
        return ok({ date, dryRun: true, ...preview.counts, effects: effectsOf(preview) });
      }
      const { billingRunDateWindowDays: window } = withDefaults(await plugin.settings.get(tenant.id));
      if (!withinRunWindow(date, today, window)) {
        if (!body.force) {
          throw new ValidationError({ date: `must be within ${window} day${window === 1 ? '' : 's'} of today (${today}); another date needs force and the ${FORCE_RUN_PERMISSION} permission` });
        }
        requirePermission(principal ?? undefined, FORCE_RUN_PERMISSION);
      }
      const listener = principal?.userId ? plugin.realtime.toUser(principal.userId) : null;
      const counts = await runBilling(plugin, tenant.id, date, {
        onProgress: (step, progress) => listener?.emit(RUN_PROGRESS_EVENT, { date, step, counts: progress }),
      });
      return ok({ date, ...counts });
    },
  }];
}
