import { randomUUID } from 'node:crypto';
import type { PluginContext } from '@mpanel/sdk';
import { billingFor, type Billing } from '../context.ts';
import { withDefaults, type BillingSettings } from '../settings.ts';
import type { IsoDate } from '../domain/dates.ts';
import { loadTaxRules } from '../services/taxes.ts';
import { cancelEndedServices, invoiceDueBatch } from './invoice-due.ts';
import { dunningBatch, type DunningCounts } from './dunning.ts';
import { cancelUnpaidOrders, suspendOverdue, terminateOverdue } from './enforce.ts';
import { chargeDueInvoices } from './charge.ts';
import { invoiceWholesaleCharges } from '../services/wholesale-charges.ts';
import { billingRunMetrics } from './run-metrics.ts';

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
type InTx = <R>(fn: (b: Billing) => Promise<R>) => Promise<R>;

/**
 * The billing run of one tenant for one date. Every step commits in small transactions and every
 * effect is guarded by a constraint or a state check, so running a date twice, two runs at once,
 * or a run killed halfway and started again all end in the state of one clean run. Memory stays
 * flat: services and invoices are streamed in batches, never loaded whole.
 */
export async function runBilling(plugin: Plugin, tenantId: string, date: IsoDate, options: RunOptions = {}): Promise<RunCounts> {
  // Read once, outside any transaction: on PGlite (one connection) a read beside an open transaction would wait forever.
  const settings = withDefaults(await plugin.settings.get(tenantId));
  const inTx: InTx = (fn) => plugin.db.transaction(tenantId, async (trx) => fn(await billingFor(plugin, trx, tenantId, null, date, settings)));
  const tracked = billingRunMetrics(plugin).start();
  let completed = false;
  try {
    const counts = await runSteps(plugin, tenantId, date, inTx, {
      ...options,
      onProgress: (step, c) => {
        tracked.progress(c);
        options.onProgress?.(step, c);
      },
    }, true);
    completed = true;
    return counts;
  } finally {
    tracked.end(completed);
  }
}

/** What a dry run saw: the counts, and the events the run would have written (mails, provisioning). */
export interface RunPreview {
  counts: RunCounts;
  events: Array<{ name: string; payload: Record<string, unknown> }>;
}

class RollBack extends Error {
  constructor(readonly preview: RunPreview) {
    super('dry run');
  }
}

/**
 * The same run in one transaction that is rolled back: nothing is written, no event reaches the
 * outbox (they are collected instead, so nothing is mailed), and no gateway is asked to charge a
 * saved card (the charge step has effects outside the database, so a dry run leaves it out).
 */
export async function previewBilling(plugin: Plugin, tenantId: string, date: IsoDate, options: Pick<RunOptions, 'batchSize'> = {}): Promise<RunPreview> {
  const settings = withDefaults(await plugin.settings.get(tenantId));
  const events: RunPreview['events'] = [];
  const record = (batch: Array<{ name: string; payload: Record<string, unknown> }>) => {
    events.push(...batch.map(({ name, payload }) => ({ name, payload })));
    return batch.map(() => randomUUID());
  };
  const recorder: Plugin = {
    ...plugin,
    events: {
      ...plugin.events,
      emit: async (name: string, payload: Record<string, unknown>) => record([{ name, payload }])[0]!,
      emitMany: async (batch: Array<{ name: string; payload: Record<string, unknown> }>) => record(batch),
    } as Plugin['events'],
  };
  try {
    await plugin.db.transaction(tenantId, async (trx) => {
      const b = await billingFor(recorder, trx, tenantId, null, date, settings);
      const counts = await runSteps(recorder, tenantId, date, (fn) => fn(b), options, false);
      throw new RollBack({ counts, events });
    });
  } catch (err) {
    if (err instanceof RollBack) return err.preview;
    throw err;
  }
  throw new Error('unreachable: a dry run always rolls back');
}

async function runSteps(plugin: Plugin, tenantId: string, date: IsoDate, inTx: InTx, options: RunOptions, charge: boolean): Promise<RunCounts> {
  const batchSize = options.batchSize ?? 500;
  const counts: RunCounts = { invoicesCreated: 0, remindersSent: 0, overdue: 0, lateFees: 0, suspended: 0, terminated: 0, servicesCancelled: 0, ordersCancelled: 0 };
  const progress = (step: string) => options.onProgress?.(step, counts);

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
  // What resellers owe this tenant, before saved cards are charged so theirs pay it too.
  counts.invoicesCreated += await inTx((b) => invoiceWholesaleCharges(b, rules));
  if (charge) await chargeDueInvoices(plugin, tenantId, date); // saved cards, attempt 1 (run/charge.ts); before dunning so a paid invoice gets no reminder
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
