import type { PluginContext } from '@mpanel/sdk';
import { billingFor, type Billing } from '../context.ts';
import { withDefaults, type BillingSettings } from '../settings.ts';
import type { IsoDate } from '../domain/dates.ts';
import { loadTaxRules } from '../services/taxes.ts';
import { cancelEndedServices, invoiceDueBatch } from './invoice-due.ts';
import { dunningBatch, type DunningCounts } from './dunning.ts';
import { cancelUnpaidOrders, suspendOverdue, terminateOverdue } from './enforce.ts';
import { chargeDueInvoices } from './charge.ts';

export interface RunCounts extends DunningCounts {
  invoicesCreated: number;
  suspended: number;
  terminated: number;
  servicesCancelled: number;
  ordersCancelled: number;
}

export interface RunOptions {
  batchSize?: number;
  /** Called after every committed batch (the CLI's progress bar). */
  onProgress?: (step: string, counts: RunCounts) => void;
}

type Plugin = PluginContext<Partial<BillingSettings>>;

/**
 * The billing run of one tenant for one date. Every step commits in small transactions and every
 * effect is guarded by a constraint or a state check, so running a date twice, two runs at once,
 * or a run killed halfway and started again all end in the state of one clean run. Memory stays
 * flat: services and invoices are streamed in batches, never loaded whole.
 */
export async function runBilling(plugin: Plugin, tenantId: string, date: IsoDate, options: RunOptions = {}): Promise<RunCounts> {
  const batchSize = options.batchSize ?? 500;
  const counts: RunCounts = { invoicesCreated: 0, remindersSent: 0, overdue: 0, lateFees: 0, suspended: 0, terminated: 0, servicesCancelled: 0, ordersCancelled: 0 };
  const progress = (step: string) => options.onProgress?.(step, counts);
  // Read once, outside any transaction: on PGlite (one connection) a read beside an open transaction would wait forever.
  const settings = withDefaults(await plugin.settings.get(tenantId));
  const inTx = <R>(fn: (b: Billing) => Promise<R>) => plugin.db.transaction(tenantId, async (trx) => fn(await billingFor(plugin, trx, tenantId, null, date, settings)));

  const [runId, rules] = await inTx(async (b) => {
    const [run] = await b.db.insert<{ id: string }>('billing_runs', { run_date: date });
    return [run!.id, await loadTaxRules(b)] as const;
  });

  counts.servicesCancelled += await inTx(cancelEndedServices);
  for (;;) {
    const created = await inTx((b) => invoiceDueBatch(b, rules, batchSize));
    if (created === 0) break;
    counts.invoicesCreated += created;
    progress('invoices');
  }
  await chargeDueInvoices(plugin, tenantId, date); // saved cards, attempt 1 (run/charge.ts); before dunning so a paid invoice gets no reminder
  let after: string | null = null;
  do {
    after = await inTx((b) => dunningBatch(b, after, batchSize, counts));
    progress('dunning');
  } while (after);
  counts.suspended += await inTx(suspendOverdue);
  counts.terminated += await inTx(terminateOverdue);
  counts.ordersCancelled += await inTx(cancelUnpaidOrders);
  progress('done');

  await inTx(async (b) => {
    await b.db('billing_runs').where('id', runId).update({ status: 'completed', counts: JSON.stringify(counts), finished_at: b.db.trx.fn.now(), updated_at: b.db.trx.fn.now() });
    await b.emit('billing.runCompleted', { runId, date, ...counts });
  });
  return counts;
}
