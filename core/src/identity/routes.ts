import type { RouteDefinition } from '@mpanel/sdk';
import type { RootContainer } from '../container.ts';
import { authRoutes } from './auth/auth-routes.ts';

/** Every identity route, by area. */
export function identityRoutes(container: RootContainer): RouteDefinition[] {
  return [...authRoutes(container)];
}
