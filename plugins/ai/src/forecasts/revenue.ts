import type { TenantDb } from '@mpanel/sdk';
import { smoothingForecast, type SmoothingForecast } from './smoothing.ts';
import { monthEnd, monthKey, monthRange, monthsFrom, mrrByMonth, type ServiceSpan } from './months.ts';

/**
 * Revenue and MRR forecasts from billing's own tables, read through the request's tenant-bound
 * transaction (row-level security underneath), the way support and hosting read billing's rows.
 * Revenue is billing's dashboard definition (money payments − refunds, per calendar month UTC);
 * MRR is rebuilt per month from the services' start and end dates. Money stays per currency.
 */

/** Payments that move credit around rather than bring money in (billing's reports skip them too). */
const NOT_MONEY = ['credit', 'credit_note'];
/** At most three years of history: older seasons say little about next year. */
const MAX_MONTHS = 36;

export interface SeriesForecast {
  metric: 'revenue' | 'mrr';
  currency: string;
  history: Array<{ month: string; value: number }>;
  forecast: Array<{ month: string; value: number; lower: number; upper: number }>;
  basedOn: {
    method: SmoothingForecast['method'];
    dataPoints: number;
    period: { from: string | null; to: string | null };
    seasonLength: number | null;
    params: SmoothingForecast['params'];
    residualSe: number;
    confidence: number;
    source: string;
  };
}

const SOURCES = {
  revenue: 'billing payments minus refunds per calendar month (UTC), credit and credit-note payments excluded',
  mrr: 'billing services per month end: monthly value of recurring services started and not yet ended, at their current price',
};

interface Row { month: string; currency: string; amount: string | number }

function toDay(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

/** History of complete months (before `today`'s month) and the forecast of the next `horizon` months per currency. */
export async function revenueForecasts(db: TenantDb, today: Date, horizon: number, confidence: number): Promise<SeriesForecast[]> {
  const current = monthKey(today);
  const lastComplete = monthKey(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)));
  const earliest = monthKey(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - MAX_MONTHS, 1)));
  const since = `${earliest}-01T00:00:00Z`;
  const until = `${current}-01T00:00:00Z`;
  const month = (column: string) => db.trx.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM') as month`);
  const group = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM'), currency`;
  const payments = (await db('payments').whereNotIn('gateway', NOT_MONEY).where('paid_at', '>=', since).where('paid_at', '<', until)
    .groupByRaw(group('paid_at')).select(month('paid_at'), 'currency', db.trx.raw('sum(amount) as amount'))) as Row[];
  const refunds = (await db('refunds').whereNotIn('gateway', NOT_MONEY).where('created_at', '>=', since).where('created_at', '<', until)
    .groupByRaw(group('created_at')).select(month('created_at'), 'currency', db.trx.raw('sum(amount) as amount'))) as Row[];
  const services = (await db('services').whereNot('cycle', 'onetime').whereNot('status', 'pending')
    .select('cycle', 'currency', 'amount', 'status', 'registration_date', 'termination_date', 'updated_at')) as Array<Record<string, unknown>>;

  const spans = new Map<string, ServiceSpan[]>();
  for (const s of services) {
    const ended = s.status === 'terminated' || s.status === 'cancelled';
    const span: ServiceSpan = {
      cycle: String(s.cycle), amount: Number(s.amount), start: toDay(s.registration_date)!,
      // A service that ended without a termination date ended when it was last changed.
      end: ended ? (toDay(s.termination_date) ?? toDay(s.updated_at)) : null,
    };
    spans.set(String(s.currency), [...(spans.get(String(s.currency)) ?? []), span]);
  }

  const results: SeriesForecast[] = [];
  const currencies = [...new Set([...payments.map((r) => r.currency), ...spans.keys()])].sort();
  for (const currency of currencies) {
    const revenueRows = payments.filter((r) => r.currency === currency);
    const firstRevenue = revenueRows.map((r) => r.month).sort()[0];
    if (firstRevenue) {
      const months = monthRange(firstRevenue, lastComplete);
      const amount = (rows: Row[], m: string) => Number(rows.find((r) => r.currency === currency && r.month === m)?.amount ?? 0);
      results.push(build('revenue', currency, months, months.map((m) => amount(payments, m) - amount(refunds, m)), current, horizon, confidence));
    }
    const currencySpans = spans.get(currency) ?? [];
    const firstStart = currencySpans.map((s) => s.start.slice(0, 7)).sort()[0];
    if (firstStart) {
      const from = firstStart < earliest ? earliest : firstStart;
      const months = monthRange(from, lastComplete);
      results.push(build('mrr', currency, months, mrrByMonth(currencySpans, months), current, horizon, confidence));
    }
  }
  return results;
}

function build(metric: 'revenue' | 'mrr', currency: string, months: string[], values: number[], current: string, horizon: number, confidence: number): SeriesForecast {
  const f = smoothingForecast(values, { horizon, seasonLength: 12, confidence });
  const ahead = monthsFrom(current, horizon);
  return {
    metric, currency,
    history: months.map((month, i) => ({ month, value: values[i]! })),
    forecast: f.forecast.map((p, i) => ({
      month: ahead[i]!, value: Math.round(p.value),
      // Neither revenue nor MRR goes below zero, whatever the interval's arithmetic says.
      lower: Math.max(0, Math.round(p.lower)), upper: Math.max(0, Math.round(p.upper)),
    })),
    basedOn: {
      method: f.method, dataPoints: f.dataPoints,
      period: { from: months[0] ? `${months[0]}-01` : null, to: months.length ? monthEnd(months[months.length - 1]!) : null },
      seasonLength: f.seasonLength, params: f.params, residualSe: Math.round(f.residualSe), confidence, source: SOURCES[metric],
    },
  };
}
