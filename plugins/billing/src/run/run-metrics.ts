import type { PluginContext } from '@mpanel/sdk';
import type { RunCounts } from './billing-run.ts';

/** The counts a run reports as items (label `kind`), each a field of RunCounts. */
const KINDS: Array<[keyof RunCounts, string]> = [
  ['invoicesCreated', 'invoices_created'], ['remindersSent', 'reminders_sent'], ['lateFees', 'late_fees'],
  ['suspended', 'suspended'], ['terminated', 'terminated'], ['servicesCancelled', 'services_cancelled'], ['ordersCancelled', 'orders_cancelled'],
];

/**
 * Billing run progress on `/metrics` (exported as `mpanel_billing_...`): runs in progress, items
 * done as each batch commits, duration and the last completed run. Declaring again returns the
 * same metrics, so every run may ask.
 */
export function billingRunMetrics(plugin: Pick<PluginContext, 'metrics'>) {
  const inProgress = plugin.metrics.gauge({ name: 'runs_in_progress', help: 'Billing runs (one per tenant and date) running now on this instance' });
  const items = plugin.metrics.counter({ name: 'run_items_total', help: 'What billing runs did, by kind, counted as each batch commits', labelNames: ['kind'] });
  const duration = plugin.metrics.histogram({ name: 'run_duration_seconds', help: 'Duration of completed billing runs', buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600] });
  const lastCompleted = plugin.metrics.gauge({ name: 'run_last_completed_timestamp_seconds', help: 'When this instance last completed a billing run (Unix time)' });
  return {
    /** Starts one run's tracking; `progress` with the running counts, then `end`. */
    start() {
      const started = Date.now();
      const reported: Partial<Record<keyof RunCounts, number>> = {};
      inProgress.inc();
      return {
        progress(counts: RunCounts) {
          for (const [field, kind] of KINDS) {
            const delta = counts[field] - (reported[field] ?? 0);
            if (delta > 0) items.inc({ kind }, delta);
            reported[field] = counts[field];
          }
        },
        end(completed: boolean) {
          inProgress.dec();
          if (!completed) return;
          duration.observe({}, (Date.now() - started) / 1000);
          lastCompleted.set({}, Date.now() / 1000);
        },
      };
    },
  };
}
