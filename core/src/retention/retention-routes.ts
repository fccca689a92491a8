import type { Knex } from 'knex';
import { ok, ValidationError, type AuditService, type TenantRef } from '@mpanel/sdk';
import { defineCoreRoute as defineRoute, type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';
import { MAX_DAYS } from './registry.ts';

/** One target as a tenant sees it: the period that applies to its rows, and what it may choose. */
interface TargetView {
  target: string;
  description: string | null;
  /** The period applied to this tenant's rows. */
  days: number;
  /** The platform's period, used when the tenant has not chosen. */
  defaultDays: number;
  /** The tenant's own choice, or null. */
  tenantDays: number | null;
  tenantSettable: boolean;
  minDays: number;
  maxDays: number;
}

export const RETENTION_PERMISSIONS = [
  { name: 'retention.read', description: 'See how long the tenant\'s records are kept', defaultRoles: ['admin'] },
  { name: 'retention.manage', description: 'Choose how long the tenant\'s audit log and login records are kept', defaultRoles: ['admin'] },
];

/** `GET/PATCH /api/v1/retention`: the tenant's retention periods. */
export function retentionRoutes(container: RootContainer): RouteDefinition[] {
  const { retentionRegistry: registry, retentionPeriods: periods } = container.cradle;
  const settable = registry.list().filter((t) => periods.of(t).tenantSettable);
  const trxOf = (ctx: { scope: { resolve<T>(n: string): T } }) => ctx.scope.resolve<Knex.Transaction>('trx');

  const views = async (trx: Knex.Transaction, tenantId: string): Promise<TargetView[]> => {
    const own = new Map(((await trx('retention_settings').where({ tenant_id: tenantId }).select('target', 'days')) as Array<{ target: string; days: number }>).map((r) => [r.target, r.days]));
    return registry.list().map((t) => {
      const p = periods.of(t);
      const tenantDays = p.tenantSettable ? (own.get(t.name) ?? null) : null;
      const days = tenantDays === null ? p.days : Math.min(p.maxDays, Math.max(p.minDays, tenantDays));
      return { target: t.name, description: t.description ?? null, days, defaultDays: p.days, tenantDays, tenantSettable: p.tenantSettable, minDays: p.minDays, maxDays: p.maxDays };
    });
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/retention',
      permission: 'retention.read',
      tags: ['retention'],
      summary: 'How long each kind of record is kept for the tenant',
      handler: async (ctx) => ok(await views(trxOf(ctx), (ctx.state.tenant as TenantRef).id)),
    }),
    defineRoute<Record<string, string>, unknown, Record<string, number | null>>({
      method: 'PATCH',
      path: '/api/v1/retention',
      permission: 'retention.manage',
      tags: ['retention'],
      summary: 'Set the tenant\'s own periods in days (`null`: back to the platform\'s), e.g. `{ "audit_logs": 730 }`',
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: Object.fromEntries(settable.map((t) => [t.name, { type: ['integer', 'null'], minimum: 1, maximum: MAX_DAYS }])),
        },
      },
      handler: async (ctx) => {
        const trx = trxOf(ctx);
        const tenantId = (ctx.state.tenant as TenantRef).id;
        const details: Record<string, string> = {};
        for (const [name, days] of Object.entries(ctx.input.body)) {
          const p = periods.of(registry.get(name)!);
          if (days !== null && (days < p.minDays || days > p.maxDays)) details[name] = `must be from ${p.minDays} to ${p.maxDays} days`;
        }
        if (Object.keys(details).length) throw new ValidationError(details);
        const before = await views(trx, tenantId);
        for (const [target, days] of Object.entries(ctx.input.body)) {
          if (days === null) await trx('retention_settings').where({ tenant_id: tenantId, target }).delete();
          else await trx('retention_settings').insert({ tenant_id: tenantId, target, days }).onConflict(['tenant_id', 'target']).merge({ days, updated_at: new Date() });
        }
        const after = await views(trx, tenantId);
        await ctx.scope.resolve<AuditService>('audit').record({ action: 'retention.updated', targetType: 'tenant', targetId: tenantId, before: ownChoices(before), after: ownChoices(after) });
        return ok(after);
      },
    }),
  ];
}

/** The periods the tenant chose itself (a target left at the platform's period is not listed). */
const ownChoices = (views: TargetView[]) => Object.fromEntries(views.filter((v) => v.tenantSettable && v.tenantDays !== null).map((v) => [v.target, v.tenantDays]));
