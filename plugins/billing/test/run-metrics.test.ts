import assert from 'node:assert/strict';
import { BillingHarness } from './support/harness.ts';
import { client, order, product } from './support/fixtures.ts';
import { recordPayment } from '../src/services/payments.ts';
import { runBilling } from '../src/run/billing-run.ts';

describe('billing: run progress metrics (ctx.metrics)', function () {
  this.timeout(120_000);
  let h: BillingHarness;
  before(async () => { h = await new BillingHarness().start(); });
  after(async () => { await h.stop(); });

  it('counts what each run does as its batches commit, and how many runs are in progress', async () => {
    const t = await h.tenant({ invoiceLeadDays: 7 });
    const c = await client(h, t);
    const p = await product(h, t);
    for (const n of [1, 2, 3]) {
      const placed = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] }, '2026-01-31');
      await h.as(t, null, (b) => recordPayment(b, { invoiceId: placed.invoice.id, amount: placed.invoice.total, gateway: 'manual', transactionId: `m-${t}-${n}` }), '2026-01-31');
    }
    const seen: number[] = [];
    const counts = await runBilling(h.plugin, t, '2026-02-21', {
      batchSize: 2,
      onProgress: () => seen.push(h.metrics.get('runs_in_progress{}') ?? 0),
    });
    assert.equal(counts.invoicesCreated, 3);
    assert.equal(h.metrics.get('run_items_total{kind=invoices_created}'), 3, 'the same total as the run, reported once');
    assert.ok(seen.length >= 2 && seen.every((v) => v === 1), 'one run in progress while it ran');
    assert.equal(h.metrics.get('runs_in_progress{}'), 0);
    assert.equal(h.metrics.get('run_duration_seconds_count{}'), 1);
    assert.ok((h.metrics.get('run_last_completed_timestamp_seconds{}') ?? 0) > Date.now() / 1000 - 60);

    await runBilling(h.plugin, t, '2026-02-21');
    assert.equal(h.metrics.get('run_items_total{kind=invoices_created}'), 3, 'a rerun of the same date adds nothing');
  });
});
