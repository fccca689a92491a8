import { ConflictError, NotFoundError, ValidationError, assertClientOwns, isClientScoped, scopeToClient } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int, isoDate, isoTime, paginate, type Page } from '../db.ts';
import { addMonthsAnchored, type IsoDate } from '../domain/dates.ts';
import { CYCLE_MONTHS, isRecurring, periodDays, type BillingCycle, type RecurringCycle } from '../domain/cycles.ts';
import { mulDivHalfUp } from '../domain/money.ts';
import { prorate } from '../domain/proration.ts';
import { getClientRow } from './clients.ts';
import { getProduct, unitPrice } from './catalogue.ts';
import { createInvoices } from './invoices.ts';
import { settleNewInvoices } from './payments.ts';
import { unsuspend } from './fulfilment.ts';
import { grantDowngradeCredit, replacePendingChange, setPlan, withdrawPendingChange, type NewPlan } from './plan-changes.ts';

export type ServiceRow = Record<string, unknown> & { id: string; client_id: string; status: string; cycle: BillingCycle };

export function toService(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    clientId: row.client_id as string,
    productId: row.product_id as string,
    orderId: (row.order_id as string | null) ?? null,
    status: row.status as string,
    cycle: row.cycle as string,
    amount: int(row.amount),
    currency: row.currency as string,
    quantity: Number(row.quantity),
    domain: (row.domain as string | null) ?? null,
    config: row.config as Record<string, string>,
    registrationDate: isoDate(row.registration_date),
    nextDueDate: isoDate(row.next_due_date),
    anchorDay: Number(row.anchor_day),
    terminationDate: isoDate(row.termination_date),
    suspendReason: (row.suspend_reason as string | null) ?? null,
    cancellationType: (row.cancellation_type as string | null) ?? null,
    cancelAt: isoDate(row.cancel_at),
    createdAt: isoTime(row.created_at),
  };
}

export async function listServiceViews(b: Billing, ids: string[]) {
  const rows = (await b.db('services').whereIn('id', ids).orderBy(['created_at', 'id'])) as Array<Record<string, unknown>>;
  return rows.map(toService);
}

export async function getServiceRow(b: Billing, id: string, lock = false): Promise<ServiceRow> {
  const q = b.db('services').where('id', id);
  if (lock) q.forUpdate();
  const row = (await q.first()) as ServiceRow | undefined;
  if (!row) throw new NotFoundError('Service not found');
  assertClientOwns(b.principal ?? undefined, row.client_id);
  return row;
}

export async function listServices(b: Billing, page: Page, filter: { status?: string; clientId?: string }) {
  const q = scopeToClient(b.db('services'), b.principal ?? undefined);
  if (filter.status) q.where('status', filter.status);
  if (filter.clientId) q.where('client_id', filter.clientId);
  return paginate(q, page, ['created_at', 'id'], toService);
}

async function transition(b: Billing, id: string, from: string[], changes: Record<string, unknown>, event: string, extra: Record<string, unknown> = {}) {
  const row = await getServiceRow(b, id, true);
  if (!from.includes(row.status)) throw new ConflictError(`The service is ${row.status}`);
  await b.db('services').where('id', id).update({ ...changes, updated_at: b.db.trx.fn.now() });
  await b.emit(event, { serviceId: id, clientId: row.client_id, productId: row.product_id, ...extra });
  return toService((await b.db('services').where('id', id).first()) as Record<string, unknown>);
}

export function suspendService(b: Billing, id: string, reason = 'manual') {
  return transition(b, id, ['active'], { status: 'suspended', suspend_reason: reason }, 'service.suspended', { reason });
}

export async function unsuspendService(b: Billing, id: string) {
  const row = await getServiceRow(b, id, true);
  if (row.status !== 'suspended') throw new ConflictError(`The service is ${row.status}`);
  await unsuspend(b, id, row.client_id);
  return toService((await b.db('services').where('id', id).first()) as Record<string, unknown>);
}

export function terminateService(b: Billing, id: string) {
  return transition(b, id, ['pending', 'active', 'suspended'], { status: 'terminated', termination_date: b.today, next_due_date: null }, 'service.terminated');
}

/** Cancellation request: at once, or at the end of the paid period (the billing run then cancels it). */
export async function cancelService(b: Billing, id: string, type: 'immediate' | 'end_of_period') {
  const row = await getServiceRow(b, id, true);
  if (!['pending', 'active', 'suspended'].includes(row.status)) throw new ConflictError(`The service is ${row.status}`);
  // A plan change waiting for payment is not for a service that is going away.
  await withdrawPendingChange(b, id);
  if (type === 'immediate' || !row.next_due_date) {
    return transition(b, id, [row.status], { status: 'cancelled', cancellation_type: type, cancel_at: b.today, next_due_date: null }, 'service.cancelled', { type });
  }
  await b.db('services').where('id', id).update({ cancellation_type: type, cancel_at: row.next_due_date, updated_at: b.db.trx.fn.now() });
  await b.emit('service.cancellationRequested', { serviceId: id, clientId: row.client_id, cancelAt: isoDate(row.next_due_date) });
  return toService((await b.db('services').where('id', id).first()) as Record<string, unknown>);
}

/**
 * Upgrade or downgrade mid-cycle. The current paid period is [next due − one cycle, next due):
 * the unused part of the old price is credited, the rest of the period is charged at the new
 * price (for another cycle, the new cycle's price scaled to this period). A change that costs
 * money is invoiced and takes effect when that invoice is paid (plan-changes.ts; at once when
 * credit covers it); until then the service keeps the plan it paid for, so a downgrade never
 * credits the unused part of an unpaid price. A downgrade takes effect at once and its credit first
 * settles the service's unpaid invoices. A newer change withdraws one still waiting for payment.
 * Client users may only pick products on sale, as when ordering.
 */
export async function upgradeService(b: Billing, id: string, input: { productId: string; cycle: BillingCycle; config?: Record<string, string> }) {
  const row = await getServiceRow(b, id, true);
  if (row.status !== 'active') throw new ConflictError(`The service is ${row.status}`);
  if (!isRecurring(row.cycle) || !isRecurring(input.cycle) || !row.next_due_date) throw new ValidationError({ cycle: 'only recurring services can change plan' });
  const product = await getProduct(b, input.productId, isClientScoped(b.principal ?? undefined)).catch((err: unknown) => {
    if (err instanceof NotFoundError) throw new ValidationError({ productId: `unknown product ${input.productId}` });
    throw err;
  });
  if (product.retired) throw new ValidationError({ productId: `${product.name} is no longer sold` });
  await replacePendingChange(b, id);
  const currency = row.currency as string;
  const quantity = Number(row.quantity);
  const newCyclePrice = unitPrice(product, currency, input.cycle, input.config).amount * quantity;
  const anchor = Number(row.anchor_day);
  const end = isoDate(row.next_due_date)!;
  const period = { start: addMonthsAnchored(end, -CYCLE_MONTHS[row.cycle as RecurringCycle], anchor), end };
  const startOfNew = { start: period.start, end: addMonthsAnchored(period.start, CYCLE_MONTHS[input.cycle], anchor) };
  const newAmountForPeriod = input.cycle === row.cycle ? newCyclePrice : mulDivHalfUp(newCyclePrice, periodDays(period), periodDays(startOfNew));
  const changeDate: IsoDate = b.today < period.start ? period.start : b.today > end ? end : b.today;
  const p = prorate({ oldAmount: int(row.amount), newAmount: newAmountForPeriod, period, changeDate });
  const plan: NewPlan = { productId: product.id, cycle: input.cycle, amount: newCyclePrice, config: input.config ?? (row.config as Record<string, string>) ?? {} };
  let invoiceId: string | null = null;
  if (p.amountDue > 0) {
    const client = await getClientRow(b, row.client_id);
    const [invoice] = await createInvoices(b, [{
      client: client as never, currency, issueDate: b.today, dueDate: b.today,
      items: [{ kind: 'upgrade', serviceId: id, description: `Change to ${product.name} (${input.cycle}) ${changeDate} – ${end}: ${p.charge} less ${p.credit} unused`, unitAmount: p.amountDue, quantity: 1, discount: 0, taxable: product.taxable }],
    }]);
    invoiceId = invoice!.id;
    await b.db.insert('service_plan_changes', { service_id: id, invoice_id: invoiceId, product_id: plan.productId, cycle: plan.cycle, amount: plan.amount, config: JSON.stringify(plan.config) });
    await settleNewInvoices(b, [invoice!]);
  } else {
    if (p.creditToBalance > 0) await grantDowngradeCredit(b, row, p.creditToBalance, currency);
    await setPlan(b, row, plan, { invoiceId: null, credit: p.creditToBalance });
  }
  const pending = invoiceId !== null && Boolean(await b.db('service_plan_changes').where({ invoice_id: invoiceId, status: 'pending' }).first('id'));
  return { service: toService((await b.db('services').where('id', id).first()) as Record<string, unknown>), proration: p, invoiceId, pending };
}
