import type { Billing } from '../context.ts';
import { int, isoDate } from '../db.ts';
import { addDays } from '../domain/dates.ts';
import { isOverdue, lateFeeAmount, lateFeeDue, reminderDue } from '../domain/dunning.ts';
import { dunningOf } from '../settings.ts';
import { createInvoices } from '../services/invoices.ts';
import { emitAll, type BillingEvent } from './emit-all.ts';

export interface DunningCounts {
  remindersSent: number;
  overdue: number;
  lateFees: number;
}

/** Records a once-only marker; true when this call is the one that wrote it. */
async function once(b: Billing, invoiceId: string, kind: string): Promise<boolean> {
  const { rows } = (await b.db.trx.raw(
    'INSERT INTO reminders_sent (tenant_id, invoice_id, kind) VALUES (?, ?, ?) ON CONFLICT (invoice_id, kind) DO NOTHING RETURNING id',
    [b.tenantId, invoiceId, kind],
  )) as { rows: unknown[] };
  return rows.length > 0;
}

/**
 * Reminders, the overdue notice and late fees for one batch of unpaid invoices (keyset by id,
 * after `afterId`). Each effect is guarded by a unique marker or constraint, so rerunning a date —
 * or two runs at once — sends and charges nothing twice. Returns the last id seen (null = done).
 */
export async function dunningBatch(b: Billing, afterId: string | null, batchSize: number, counts: DunningCounts): Promise<string | null> {
  const s = dunningOf(b.settings);
  const maxBefore = Math.max(0, ...s.reminderDaysBefore);
  const q = b.db('invoices').where({ status: 'unpaid', kind: 'invoice' }).where('due_date', '<=', addDays(b.today, maxBefore))
    // The invoice of a plan change waiting for payment is an offer: no reminders, overdue notice or late fee.
    .whereNotExists((pc) => pc.select(1).from('service_plan_changes').whereRaw(`service_plan_changes.invoice_id = invoices.id AND service_plan_changes.status = 'pending'`))
    .orderBy('id').limit(batchSize).select('id', 'number', 'client_id', 'due_date', 'total', 'currency', 'late_fee_for_invoice_id')
    // Concurrent runs take disjoint invoices: no two transactions wait on each other's markers
    // while one holds the invoice-number lock (which would be a deadlock).
    .forUpdate().skipLocked();
  if (afterId) q.where('id', '>', afterId);
  const rows = (await q) as Array<Record<string, unknown> & { id: string; client_id: string }>;
  const events: BillingEvent[] = [];
  for (const inv of rows) {
    const due = isoDate(inv.due_date)!;
    const event = { invoiceId: inv.id, number: inv.number, clientId: inv.client_id, dueDate: due, total: int(inv.total), currency: inv.currency };
    const kind = reminderDue(due, b.today, s);
    if (kind && (await once(b, inv.id, kind))) {
      counts.remindersSent++;
      events.push({ name: 'invoice.reminder', payload: { ...event, kind } });
    }
    if (isOverdue(due, b.today) && (await once(b, inv.id, 'overdue'))) {
      counts.overdue++;
      events.push({ name: 'invoice.overdue', payload: event });
    }
    if (!inv.late_fee_for_invoice_id && lateFeeDue(due, b.today, s) && (await once(b, inv.id, 'late_fee'))) {
      counts.lateFees++;
      await addLateFee(b, inv, lateFeeAmount(int(inv.total), s));
    }
  }
  await emitAll(b, events);
  return rows.length === batchSize ? rows[rows.length - 1]!.id : null;
}

/**
 * A late fee is its own invoice (issued invoices never change) pointing at the overdue one; the
 * marker above and a unique index on `late_fee_for_invoice_id` make it once per invoice.
 */
async function addLateFee(b: Billing, inv: Record<string, unknown> & { id: string; client_id: string }, amount: number): Promise<void> {
  if (amount <= 0) return;
  const client = (await b.db('clients').where('id', inv.client_id).first()) as never;
  await createInvoices(b, [{
    client, currency: inv.currency as string, issueDate: b.today, dueDate: b.today, lateFeeForInvoiceId: inv.id,
    items: [{ kind: 'late_fee', description: `Late fee for invoice ${String(inv.number)}`, unitAmount: amount, quantity: 1, discount: 0, taxable: false }],
  }]);
}
