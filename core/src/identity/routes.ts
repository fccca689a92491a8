import { type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { accountRoutes } from './auth/account-routes.ts';
import { tenantRoutes } from './tenants/tenant-routes.ts';
import { tenantDomainRoutes } from './tenants/tenant-domain-routes.ts';
import { userRoutes } from './users/user-routes.ts';
import { roleRoutes } from './roles/role-routes.ts';
import { apiKeyRoutes } from './api-keys/api-key-routes.ts';
import { auditRoutes } from './audit/audit-routes.ts';

/** Every identity route, by area. */
export function identityRoutes(container: RootContainer): RouteDefinition[] {
  return [
    ...authRoutes(container),
    ...accountRoutes(container),
    ...tenantRoutes(container),
    ...tenantDomainRoutes(container),
    ...userRoutes(container),
    ...roleRoutes(container),
    ...apiKeyRoutes(container),
    ...auditRoutes(),
  ];
}
