import type { Billing } from '../context.ts';
import { int } from '../db.ts';
import type { BillingCycle } from '../domain/cycles.ts';
import { monthlyRecurring } from '../domain/mrr.ts';

/** Payments that move credit around rather than bring money in (client credit, credit notes). */
const NOT_MONEY = ['credit', 'credit_note'];

export interface CurrencyStats {
  currency: string;
  /** Money received this month (gateway and manual payments, overpayments included). */
  payments: number;
  /** Money given back this month. */
  refunds: number;
  /** payments − refunds. */
  revenueThisMonth: number;
  mrr: number;
  unpaidAmount: number;
  overdueAmount: number;
}

/** The calendar month (UTC) of `YYYY-MM` as [from, to). */
export function monthBounds(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: `${next}-01` };
}

type Sums = Array<{ currency: string; amount: string | number; n?: string | number }>;

/**
 * The admin dashboard's figures for the tenant: revenue in a month (default: the current one),
 * MRR of active services, unpaid and overdue invoices (amount still due) and active services.
 * Money is per currency (never converted); the headline `revenueThisMonth`/`mrr` are those of the
 * tenant's default currency.
 */
export async function billingStats(b: Billing, month: string = b.today.slice(0, 7)) {
  const { from, to } = monthBounds(month);
  const start = `${from}T00:00:00Z`;
  const end = `${to}T00:00:00Z`;
  const sum = b.db.trx.raw('sum(amount) as amount');
  const payments = (await b.db('payments').whereNotIn('gateway', NOT_MONEY).where('paid_at', '>=', start).where('paid_at', '<', end)
    .groupBy('currency').select('currency', sum)) as Sums;
  const refunds = (await b.db('refunds').whereNotIn('gateway', NOT_MONEY).where('created_at', '>=', start).where('created_at', '<', end)
    .groupBy('currency').select('currency', sum)) as Sums;
  const recurring = (await b.db('services').where('status', 'active').whereNot('cycle', 'onetime')
    .groupBy('currency', 'cycle').select('currency', 'cycle', b.db.trx.raw('sum(amount)::text as total'))) as Array<{ currency: string; cycle: BillingCycle; total: string }>;
  const [services] = (await b.db('services').where('status', 'active').count({ n: '*' })) as Array<{ n: string | number }>;
  const dueSql = b.db.trx.raw(`count(*) as n, sum(total - amount_paid) as amount`);
  const unpaid = (await b.db('invoices').where({ status: 'unpaid', kind: 'invoice' }).groupBy('currency').select('currency', dueSql)) as Sums;
  const overdue = (await b.db('invoices').where({ status: 'unpaid', kind: 'invoice' }).where('due_date', '<', b.today).groupBy('currency').select('currency', dueSql)) as Sums;

  const currencies = [...new Set([payments, refunds, recurring, unpaid, overdue].flatMap((rows) => rows.map((r) => r.currency)))].sort();
  const amountIn = (rows: Sums, currency: string) => int(rows.find((r) => r.currency === currency)?.amount ?? 0);
  const byCurrency: CurrencyStats[] = currencies.map((currency) => ({
    currency,
    payments: amountIn(payments, currency),
    refunds: amountIn(refunds, currency),
    revenueThisMonth: amountIn(payments, currency) - amountIn(refunds, currency),
    mrr: monthlyRecurring(recurring.filter((r) => r.currency === currency)),
    unpaidAmount: amountIn(unpaid, currency),
    overdueAmount: amountIn(overdue, currency),
  }));
  const count = (rows: Sums) => rows.reduce((n, r) => n + Number(r.n ?? 0), 0);
  const currency = b.settings.defaultCurrency;
  const headline = byCurrency.find((c) => c.currency === currency);
  return {
    period: { from, to },
    currency,
    revenueThisMonth: headline?.revenueThisMonth ?? 0,
    mrr: headline?.mrr ?? 0,
    unpaidInvoices: count(unpaid),
    overdueInvoices: count(overdue),
    activeServices: Number(services?.n ?? 0),
    byCurrency,
  };
}
