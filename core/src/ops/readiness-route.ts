import type { CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';

/**
 * `GET /api/health/ready` for load balancers and Kubernetes readiness probes: 200 with every check
 * when ready; 503 `{ error, details: { <check>: <what is wrong> }, checks }` when not.
 * `GET /api/health` stays the cheap liveness probe.
 */
export function readinessRoute(container: RootContainer): RouteDefinition {
  return {
    method: 'GET',
    path: '/api/health/ready',
    public: true,
    transaction: false,
    summary: 'Readiness: database, Redis, migrations, required plugins and stuck work',
    handler: async (ctx) => {
      const { ready, checks } = await container.cradle.readiness.check();
      const role = container.cradle.config.role;
      ctx.set('cache-control', 'no-store');
      if (ready) {
        ctx.status = 200;
        ctx.body = { data: { status: 'ready', role, checks } };
        return;
      }
      const details = Object.fromEntries(Object.entries(checks).filter(([, r]) => !r.ok).map(([name, r]) => [name, r.problem ?? 'failing']));
      ctx.status = 503;
      ctx.body = { error: `Not ready: ${Object.keys(details).join(', ')}`, details, checks };
    },
  };
}
