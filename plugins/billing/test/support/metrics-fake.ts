import type { MetricLabels, PluginMetrics } from '@mpanel/sdk';

/** `ctx.metrics` for the harness: every value kept under `name{label=value,...}`. */
export function recordingMetrics(values: Map<string, number>): PluginMetrics {
  const key = (name: string, labels?: MetricLabels) => `${name}{${Object.entries(labels ?? {}).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;
  const add = (name: string, labels: MetricLabels | undefined, by: number) => values.set(key(name, labels), (values.get(key(name, labels)) ?? 0) + by);
  return {
    counter: ({ name }) => ({ inc: (labels, value = 1) => add(name, labels, value) }),
    gauge: ({ name }) => ({
      set: (labels, value) => values.set(key(name, labels), value),
      inc: (labels, value = 1) => add(name, labels, value),
      dec: (labels, value = 1) => add(name, labels, -value),
      reset: () => undefined,
    }),
    histogram: ({ name }) => ({ observe: (labels) => add(`${name}_count`, labels, 1) }),
  };
}
