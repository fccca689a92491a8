import type { Middleware } from 'koa';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds; from a cached health probe to a slow report. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Requests by route template (`/api/v1/invoices/:id`, never the raw path: one series per route,
 * not per id), method and status, and a latency histogram per route. Requests no route answered
 * share one label: `<static>` (admin UI files) or `<unmatched>` (anything else, 404s of scanners).
 * Mounted outside the error middleware, so a thrown error is counted with the status it answered.
 */
export function httpMetrics(registry: Registry): Middleware {
  const requests = new Counter({ name: 'mpanel_http_requests_total', help: 'HTTP requests by route template, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const duration = new Histogram({ name: 'mpanel_http_request_duration_seconds', help: 'HTTP request latency by route template and method', labelNames: ['route', 'method'], buckets: LATENCY_BUCKETS, registers: [registry] });
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? (ctx.path.startsWith('/api') || ctx.status === 404 ? '<unmatched>' : '<static>');
      const status = String(ctx.status);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      requests.inc({ route, method: ctx.method, status });
      duration.observe({ route, method: ctx.method }, seconds);
    }
  };
}
