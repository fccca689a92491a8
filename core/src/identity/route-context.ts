import type { AuditService, Principal, TenantDb } from '@mpanel/sdk';
import { type Resolver } from '../http/api-context.ts';

/** What identity's route handlers take from the request scope. */
export function requestServices(ctx: { scope: Resolver; state: Record<string, unknown> }): { db: TenantDb; audit: AuditService; principal: Principal } {
  return { db: ctx.scope.resolve<TenantDb>('tenantDb'), audit: ctx.scope.resolve<AuditService>('audit'), principal: ctx.state.principal as Principal };
}
