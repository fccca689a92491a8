import type { GaugeOptions, HistogramOptions, MetricCounter, MetricGauge, MetricHistogram, MetricLabels, MetricOptions, PluginMetrics } from '@mpanel/sdk';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const NAME = /^[a-z][a-z0-9_]*$/;
const LABEL = /^[a-z][a-z0-9_]*$/;
/** Label sets one plugin metric may hold before new ones are dropped. */
export const MAX_SERIES_PER_METRIC = 1000;

type Metric = Counter | Gauge | Histogram;

/** The platform side of plugins' metrics: one per platform, shared by every plugin context. */
export class PluginMetricsHost {
  private readonly metrics = new Map<string, { kind: string; labels: string; metric: Metric; series: Set<string> }>();
  private readonly dropped: Counter;

  constructor(private readonly registry: Registry, private readonly maxSeries = MAX_SERIES_PER_METRIC) {
    this.dropped = new Counter({ name: 'mpanel_plugin_metric_series_dropped_total', help: 'Plugin metric values dropped because the metric already had its maximum of label sets', labelNames: ['plugin', 'metric'], registers: [registry] });
  }

  /** `ctx.metrics` of one plugin. */
  forPlugin(pluginId: string): PluginMetrics {
    const prefix = `mpanel_${pluginId.replaceAll('-', '_')}_`;
    return {
      counter: (o: MetricOptions): MetricCounter => {
        const m = this.declare(pluginId, prefix, 'counter', o, (base) => new Counter(base));
        return { inc: (labels, value) => this.guard(pluginId, m, labels, (l) => (m.metric as Counter).inc(l, value ?? 1)) };
      },
      gauge: (o: GaugeOptions): MetricGauge => {
        const holder: { handle?: MetricGauge } = {};
        const m = this.declare(pluginId, prefix, 'gauge', o, (base) => new Gauge({ ...base, ...(o.collect ? { collect: () => o.collect!(holder.handle!) } : {}) }));
        const g = m.metric as Gauge;
        holder.handle = {
          set: (labels, value) => this.guard(pluginId, m, labels, (l) => g.set(l, value)),
          inc: (labels, value) => this.guard(pluginId, m, labels, (l) => g.inc(l, value ?? 1)),
          dec: (labels, value) => this.guard(pluginId, m, labels, (l) => g.dec(l, value ?? 1)),
          reset: () => {
            g.reset();
            m.series.clear();
          },
        };
        return holder.handle;
      },
      histogram: (o: HistogramOptions): MetricHistogram => {
        const m = this.declare(pluginId, prefix, 'histogram', o, (base) => new Histogram({ ...base, ...(o.buckets ? { buckets: o.buckets } : {}) }));
        return { observe: (labels, value) => this.guard(pluginId, m, labels, (l) => (m.metric as Histogram).observe(l, value)) };
      },
    };
  }

  private declare<T extends Metric>(
    pluginId: string,
    prefix: string,
    kind: string,
    o: MetricOptions,
    make: (base: { name: string; help: string; labelNames: string[]; registers: Registry[] }) => T,
  ) {
    if (!NAME.test(o.name)) throw new Error(`Plugin "${pluginId}": metric name "${o.name}" must be snake_case (a-z, 0-9, _)`);
    const labelNames = [...(o.labelNames ?? [])];
    for (const l of labelNames) if (!LABEL.test(l)) throw new Error(`Plugin "${pluginId}": label "${l}" of metric "${o.name}" must be snake_case`);
    const name = prefix + o.name;
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.kind !== kind || existing.labels !== labelNames.join(',')) throw new Error(`Plugin "${pluginId}": metric "${o.name}" is already declared as a ${existing.kind} with labels [${existing.labels}]`);
      return existing;
    }
    const entry = { kind, labels: labelNames.join(','), metric: make({ name, help: o.help, labelNames, registers: [this.registry] }), series: new Set<string>() };
    this.metrics.set(name, entry);
    return entry;
  }

  /** Applies `write` unless it would add a label set beyond the limit (then counts the drop). */
  private guard(pluginId: string, m: { metric: Metric; series: Set<string> }, labels: MetricLabels | undefined, write: (labels: MetricLabels) => void): void {
    const l = labels ?? {};
    const key = JSON.stringify(Object.keys(l).sort().map((k) => [k, String(l[k])]));
    const known = m.series.has(key);
    if (!known && m.series.size >= this.maxSeries) {
      this.dropped.inc({ plugin: pluginId, metric: (m.metric as unknown as { name: string }).name });
      return;
    }
    write(l); // throws for a label the metric did not declare: then nothing is counted
    if (!known) m.series.add(key);
  }
}
