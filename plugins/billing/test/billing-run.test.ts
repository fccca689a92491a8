import assert from 'node:assert/strict';
import { BillingHarness } from './support/harness.ts';
import { client, order, product } from './support/fixtures.ts';
import { recordPayment } from '../src/services/payments.ts';
import { runBilling, type RunCounts } from '../src/run/billing-run.ts';
import type { BillingSettings } from '../src/settings.ts';

const DUNNING: Partial<BillingSettings> = {
  invoiceLeadDays: 7, reminderDaysBefore: [3], reminderDaysAfter: [1, 3], lateFeeType: 'fixed', lateFeeValue: 500, lateFeeAfterDays: 5,
  suspendAfterDays: 7, terminateAfterDays: 30, cancelUnpaidOrdersAfterDays: 14,
};

const nothing = (c: RunCounts) => Object.values(c).every((v) => v === 0);

describe('billing: the billing run', function () {
  this.timeout(120_000);
  let h: BillingHarness;
  before(async () => { h = await new BillingHarness().start(); });
  after(async () => { await h.stop(); });

  /** A tenant with one active monthly service ordered (and paid) on 2026-01-31. */
  async function activeService(settings: Partial<BillingSettings> = DUNNING) {
    const t = await h.tenant(settings);
    const c = await client(h, t);
    const p = await product(h, t);
    const placed = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] }, '2026-01-31');
    await h.as(t, null, (b) => recordPayment(b, { invoiceId: placed.invoice.id, amount: placed.invoice.total, gateway: 'manual', transactionId: `first-${t}` }), '2026-01-31');
    return { t, c, p, serviceId: placed.services[0]!.id };
  }

  const run = (t: string, date: string, batchSize?: number) => runBilling(h.plugin, t, date, { batchSize });
  const service = (id: string) => h.knex('services').where('id', id).first();
  const dateOf = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

  it('invoices a service within the lead time once per period and keeps the day-of-month anchor', async () => {
    const { t, serviceId } = await activeService({ ...DUNNING, suspendAfterDays: 0, terminateAfterDays: 0 });
    assert.equal((await run(t, '2026-02-20')).invoicesCreated, 0, 'Feb 28 is 8 days away, lead time 7');
    const first = await run(t, '2026-02-21');
    assert.equal(first.invoicesCreated, 1);
    assert.ok(nothing(await run(t, '2026-02-21')), 'the same date again changes nothing');
    assert.equal(dateOf((await service(serviceId)).next_due_date), '2026-03-31', 'Jan 31 → Feb 28 → Mar 31');
    const items = await h.knex('invoice_items').where({ service_id: serviceId, kind: 'recurring' });
    assert.deepEqual(items.map((i) => [dateOf(i.period_start), dateOf(i.period_end), Number(i.total)]), [['2026-02-28', '2026-03-31', 1000]]);
    const inv = await h.knex('invoices').where('id', items[0]!.invoice_id).first();
    assert.deepEqual([inv.number, dateOf(inv.due_date), inv.status], ['INV-2026-00002', '2026-02-28', 'unpaid']);
    assert.equal(h.events('invoice.created').filter((e) => e.payload.invoiceId === inv.id).length, 1);
    // a run that missed weeks catches up period by period, still one invoice each
    const later = await run(t, '2026-05-01');
    assert.equal(later.invoicesCreated, 2, 'Mar 31 and Apr 30');
    assert.equal(dateOf((await service(serviceId)).next_due_date), '2026-05-31');
  });

  it('reminds, marks overdue, adds one late fee, suspends and terminates — each once', async () => {
    const { t, serviceId } = await activeService();
    await run(t, '2026-02-21'); // renewal invoice due Feb 28
    assert.equal((await run(t, '2026-02-25')).remindersSent, 1, 'before:3');
    assert.equal((await run(t, '2026-02-25')).remindersSent, 0);
    const overdue = await run(t, '2026-03-01');
    assert.deepEqual([overdue.remindersSent, overdue.overdue], [1, 1]);
    assert.ok(nothing(await run(t, '2026-03-01')));
    const fee = await run(t, '2026-03-05');
    assert.equal(fee.lateFees, 1);
    assert.equal((await run(t, '2026-03-05')).lateFees, 0);
    const feeInvoices = await h.knex('invoices').whereNotNull('late_fee_for_invoice_id').where('tenant_id', t);
    assert.equal(feeInvoices.length, 1);
    assert.equal(Number(feeInvoices[0]!.total), 500);
    assert.equal((await run(t, '2026-03-06')).suspended, 0);
    assert.equal((await run(t, '2026-03-07')).suspended, 1);
    assert.equal((await service(serviceId)).status, 'suspended');
    assert.equal((await run(t, '2026-03-07')).suspended, 0);
    assert.equal((await run(t, '2026-03-29')).terminated, 0);
    const end = await run(t, '2026-03-30');
    assert.equal(end.terminated, 1);
    assert.equal((await service(serviceId)).status, 'terminated');
    assert.deepEqual(h.events('service.suspended').filter((e) => e.payload.serviceId === serviceId).length, 1);
    assert.deepEqual(h.events('service.terminated').filter((e) => e.payload.serviceId === serviceId).length, 1);
    const renewal = feeInvoices[0]!.late_fee_for_invoice_id as string;
    const markers = await h.knex('reminders_sent').where('invoice_id', renewal).orderBy('kind').pluck('kind');
    assert.deepEqual(markers, ['before:3', 'late_fee', 'overdue', 'overdue:1', 'overdue:3']);
    assert.equal(h.events('invoice.overdue').filter((e) => e.payload.invoiceId === renewal).length, 1);
    // the fee invoice is dunned like any invoice, but never gets a fee of its own
    assert.equal(await h.count('invoices', { late_fee_for_invoice_id: feeInvoices[0]!.id }), 0);
  });

  it('paying the overdue invoice brings a suspended service back', async () => {
    const { t, serviceId } = await activeService();
    await run(t, '2026-02-21');
    await run(t, '2026-03-07');
    assert.equal((await service(serviceId)).status, 'suspended');
    const inv = await h.knex('invoice_items as ii').join('invoices as i', 'i.id', 'ii.invoice_id').where({ 'ii.service_id': serviceId, 'ii.kind': 'recurring' }).first('i.id', 'i.total');
    await h.as(t, null, (b) => recordPayment(b, { invoiceId: inv.id, amount: Number(inv.total), gateway: 'manual', transactionId: `late-${t}` }), '2026-03-08');
    assert.equal((await service(serviceId)).status, 'active');
    assert.equal(h.events('service.unsuspended').filter((e) => e.payload.serviceId === serviceId).length, 1);
  });

  it('streams many services in small batches with gap-free numbers; unpaid new orders are cancelled after K days', async () => {
    const t = await h.tenant(DUNNING);
    const c = await client(h, t);
    const p = await product(h, t);
    for (let i = 0; i < 5; i++) {
      const placed = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] }, '2026-03-10');
      await h.as(t, null, (b) => recordPayment(b, { invoiceId: placed.invoice.id, amount: placed.invoice.total, gateway: 'manual', transactionId: `b-${i}-${t}` }), '2026-03-10');
    }
    const unpaid = await order(h, t, { clientId: c.id, items: [{ productId: p.id, cycle: 'monthly' }] }, '2026-03-10');
    const counts = await run(t, '2026-04-05', 2);
    assert.equal(counts.invoicesCreated, 5, 'the unpaid order’s service is pending, not billed');
    assert.equal((await run(t, '2026-04-05', 2)).invoicesCreated, 0);
    const numbers = (await h.knex('invoices').where('tenant_id', t).pluck('number')).map((n: string) => Number(n.slice(-5))).sort((a: number, b: number) => a - b);
    assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => i + 1));
    assert.equal(counts.ordersCancelled, 1);
    assert.equal((await h.knex('orders').where('id', unpaid.order.id).first()).status, 'cancelled');
    assert.equal((await h.knex('invoices').where('id', unpaid.invoice.id).first()).status, 'cancelled');
    assert.equal((await service(unpaid.services[0]!.id)).status, 'cancelled');
  });

  it('an unpaid plan change is an offer: the run neither dunns it nor suspends the service for it', async () => {
    const { t, serviceId } = await activeService();
    const { upgradeService } = await import('../src/services/services.ts');
    const big = await product(h, t, { name: 'Big', pricing: [{ currency: 'USD', cycle: 'monthly', amount: 5000 }] });
    const up = await h.as(t, h.staff(t), (b) => upgradeService(b, serviceId, { productId: big.id, cycle: 'monthly' }), '2026-02-01');
    assert.equal(up.pending, true);
    const counts = await run(t, '2026-02-20');
    assert.deepEqual([counts.remindersSent, counts.overdue, counts.lateFees, counts.suspended], [0, 0, 0, 0]);
    assert.equal((await service(serviceId)).status, 'active');
  });

  it('an end-of-period cancellation stops renewals on the paid-through date', async () => {
    const { t, serviceId } = await activeService();
    const { cancelService } = await import('../src/services/services.ts');
    await h.as(t, h.staff(t), (b) => cancelService(b, serviceId, 'end_of_period'), '2026-02-10');
    const counts = await run(t, '2026-02-28');
    assert.deepEqual([counts.invoicesCreated, counts.servicesCancelled], [0, 1]);
    assert.equal((await service(serviceId)).status, 'cancelled');
  });
});
