import type { Server } from 'node:http';
import { asValue } from 'awilix';
import type { CoreModule } from '../module.ts';
import type { RootContainer } from '../container.ts';
import { BackgroundServices } from './background-services.ts';
import { PlatformMetrics } from './metrics/platform-metrics.ts';
import { registerWorkGauges } from './metrics/database-gauges.ts';
import { bullQueueRows } from './metrics/bullmq-gauges.ts';
import { registerPlatformGauges } from './metrics/platform-gauges.ts';
import { metricsOnMainPort, startMetricsListener } from './metrics/metrics-endpoint.ts';
import { Readiness, type PluginReadinessCheck } from './readiness.ts';
import { readinessRoute } from './readiness-route.ts';

const listeners = new WeakMap<RootContainer, Server>();

/**
 * Operations: process roles' background-services list, Prometheus metrics (`/metrics`) and
 * readiness (`/api/health/ready`). First in the module list, so every other module can add its
 * loops and report its metrics while registering.
 */
export const opsModule: CoreModule = {
  name: 'ops',
  register(container) {
    const { logger, config, db } = container.cradle;
    container.register({
      backgroundServices: asValue(new BackgroundServices(logger)),
      metrics: asValue(new PlatformMetrics({ role: config.role, database: db.kind })),
      readinessChecks: asValue(new Map()),
    } as never);
  },
  async start(container) {
    const c = container.cradle;
    const work = registerWorkGauges(c.metrics.registry, c.knex, c.config.ops.cacheMs, bullQueueRows(c.jobQueue));
    registerPlatformGauges(c.metrics.registry, { owner: c.knex, app: c.appKnex }, c.pluginStatus);
    const readiness = new Readiness({
      role: c.config.role,
      knex: c.knex,
      redis: c.redis,
      migrationSets: c.migrationSets,
      plugins: c.pluginStatus,
      requiredPlugins: c.config.ops.requiredPlugins,
      work,
      pluginChecks: c.readinessChecks,
      stuckAfterSeconds: c.config.ops.stuckAfterSeconds,
      migrationsCacheMs: c.config.ops.cacheMs,
      onError: (check, err) => c.logger.warn({ err, check }, 'readiness check failed'),
    });
    container.register({ readiness: asValue(readiness) } as never);
    const listener = await startMetricsListener(c.config.ops, c.metrics, c.logger);
    if (listener) listeners.set(container, listener);
  },
  outer: (container) => [container.cradle.metrics.http],
  routes: (container) => [readinessRoute(container)],
  fallback: (container) => [metricsOnMainPort(container.cradle.config.ops, container.cradle.metrics, container.cradle.logger)],
  async stop(container) {
    const listener = listeners.get(container);
    if (listener) await new Promise((resolve) => listener.close(resolve));
  },
};

declare module '../container.ts' {
  interface CoreCradle {
    backgroundServices: BackgroundServices;
    metrics: PlatformMetrics;
    readiness: Readiness;
    /** Plugins' readiness checks by `<plugin>:<name>` (ctx.readiness.check). */
    readinessChecks: Map<string, PluginReadinessCheck>;
  }
}
