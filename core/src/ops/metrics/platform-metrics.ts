import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Middleware } from 'koa';
import { httpMetrics } from './http-metrics.ts';
import { loginMetrics, type LoginOutcome } from './auth-metrics.ts';
import { PluginMetricsHost } from './plugin-metrics.ts';

/**
 * This platform's metrics: one registry per platform (tests run several in a process), with the
 * default Node process metrics, what code reports as it happens (HTTP, logins, plugins' own) and,
 * added at start, gauges computed at scrape (see ops-module.ts).
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly http: Middleware;
  readonly loginOutcome: (outcome: LoginOutcome) => void;
  readonly plugins: PluginMetricsHost;

  constructor(labels: Record<string, string>) {
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry, prefix: 'mpanel_' });
    this.http = httpMetrics(this.registry);
    this.loginOutcome = loginMetrics(this.registry);
    this.plugins = new PluginMetricsHost(this.registry);
  }

  /** The Prometheus text exposition of every metric. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
