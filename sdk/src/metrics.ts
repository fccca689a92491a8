/** Label values by label name; every name must be one the metric declared. */
export type MetricLabels = Record<string, string | number>;

export interface MetricOptions {
  /**
   * snake_case, unique within the plugin. The exported name is prefixed with the plugin id:
   * `ssl` + `certificate_expiry_seconds` → `mpanel_ssl_certificate_expiry_seconds`.
   */
  name: string;
  help: string;
  labelNames?: readonly string[];
}

export interface MetricCounter {
  /** Adds `value` (default 1, never negative). */
  inc(labels?: MetricLabels, value?: number): void;
}

export interface MetricGauge {
  set(labels: MetricLabels, value: number): void;
  inc(labels?: MetricLabels, value?: number): void;
  dec(labels?: MetricLabels, value?: number): void;
  /** Forgets every label set (e.g. before `collect` fills it again). */
  reset(): void;
}

export interface MetricHistogram {
  observe(labels: MetricLabels, value: number): void;
}

export interface GaugeOptions extends MetricOptions {
  /** Called at each scrape to set the gauge's values (read your tables, compute expiries). Keep it cheap. */
  collect?(gauge: MetricGauge): void | Promise<void>;
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds; default Prometheus's (5 ms to 10 s). */
  buckets?: number[];
}

/**
 * The plugin's own Prometheus metrics, exported on `/metrics` beside the platform's. Declare them in
 * `register` (or `boot`); declaring a name twice returns the same metric. Each metric keeps at most
 * a bounded number of label sets (1000): values for further ones are dropped and counted in
 * `mpanel_plugin_metric_series_dropped_total`, so an id in a label cannot exhaust memory.
 * Label tenant ids and states, not user input.
 */
export interface PluginMetrics {
  counter(options: MetricOptions): MetricCounter;
  gauge(options: GaugeOptions): MetricGauge;
  histogram(options: HistogramOptions): MetricHistogram;
}
