import { type CoreRouteDefinition as RouteDefinition } from './api-context.ts';

/** A route as the platform keeps it: the definition plus who registered it. */
export interface RegisteredRoute extends RouteDefinition {
  /** `core` or the plugin id. */
  owner: string;
}

export class RouteConflictError extends Error {}

/**
 * Routes as data: every route (core and plugin) is registered here with its method, path,
 * permission and schemas. The HTTP layer mounts them, the OpenAPI document is generated from them,
 * and tests enumerate them.
 */
export class RouteRegistry {
  private readonly routes = new Map<string, RegisteredRoute>();
  /** Where this process serves the routes (`http://127.0.0.1:port`), once it listens: `ctx.routes.call` goes there. */
  servedAt: string | undefined;

  add(owner: string, route: RouteDefinition): void {
    const key = `${route.method} ${normalise(route.path)}`;
    const existing = this.routes.get(key);
    if (existing) {
      throw new RouteConflictError(`Route ${route.method} ${route.path} of "${owner}" is already registered by "${existing.owner}"`);
    }
    if (!route.public && !route.permission) {
      throw new RouteConflictError(`Route ${route.method} ${route.path} of "${owner}" declares no permission; add one or mark it public`);
    }
    this.routes.set(key, { ...route, owner });
  }

  /** Removes every route of an owner (a plugin that failed after registering). */
  removeOwner(owner: string): void {
    for (const [key, route] of this.routes) if (route.owner === owner) this.routes.delete(key);
  }

  list(): RegisteredRoute[] {
    return [...this.routes.values()];
  }
}

/** `/a/:id` and `/a/:name` are the same route. */
function normalise(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+/g, ':');
}
