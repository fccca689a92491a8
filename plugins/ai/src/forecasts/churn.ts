import type { TenantDb } from '@mpanel/sdk';
import { churnModel, FITTED_FACTORS, FIXED_FACTORS } from './churn-model.ts';
import { scoreWith, type Contribution } from './logistic.ts';

/**
 * Churn risk per client from signals already in billing's tables, read through the request's
 * tenant-bound transaction. The model is fit on this tenant's own clients (label: every service
 * ended), scored on the clients still with a live service.
 */

/** Window for the "recent" signals (late payments, downgrades). */
const WINDOW_DAYS = 365;
/** Spend decline compares the last 90 days with the 90 before. */
const SPEND_DAYS = 90;
const NOT_MONEY = ['credit', 'credit_note'];

export interface ChurnScore {
  clientId: string;
  name: string;
  probability: number;
  level: 'high' | 'medium' | 'low';
  factors: Contribution[];
}

type Counts = Map<string, number>;

async function countBy(query: PromiseLike<unknown>): Promise<Counts> {
  const rows = (await query) as Array<{ client_id: string; n: string | number }>;
  return new Map(rows.map((r) => [r.client_id, Number(r.n)]));
}

/** Counts stop at 10: the eleventh overdue invoice says nothing the tenth did not, and the fit stays stable. */
const MAX_COUNT = 10;
function capped(count: number | undefined): number {
  return Math.min(MAX_COUNT, count ?? 0);
}

function daysBefore(today: Date, days: number): string {
  return new Date(today.getTime() - days * 86_400_000).toISOString();
}

export async function churnSignals(db: TenantDb, today: Date) {
  const raw = db.trx.raw.bind(db.trx);
  const todayDay = today.toISOString().slice(0, 10);
  const window = daysBefore(today, WINDOW_DAYS);
  const n = raw('count(*) as n');
  // One after the other: the queries share the request's transaction (one connection).
  const clients = (await db('clients').select('id', 'first_name', 'last_name', 'company_name', 'status')) as Array<Record<string, unknown>>;
  const services = (await db('services').whereNot('cycle', 'onetime').groupBy('client_id').select('client_id',
      raw(`count(*) filter (where status in ('active','suspended','pending')) as live`),
      raw(`count(*) filter (where status in ('cancelled','terminated')) as ended`),
      raw(`count(*) filter (where status = 'suspended') as suspended`),
      raw(`count(*) filter (where status in ('active','suspended') and (cancellation_type is not null or cancel_at is not null)) as cancelling`),
    )) as Array<Record<string, string | number>>;
  const overdue = await countBy(db('invoices').where({ kind: 'invoice', status: 'unpaid' }).where('due_date', '<', todayDay).groupBy('client_id').select('client_id', n));
  const late = await countBy(db('invoices').where({ kind: 'invoice', status: 'paid' }).where('paid_at', '>=', window).whereRaw('paid_at::date > due_date').groupBy('client_id').select('client_id', n));
  const disputes = await countBy(db('invoices').whereRaw(`jsonb_array_length(flags) > 0`).where('created_at', '>=', window).groupBy('client_id').select('client_id', n));
  const failedPayments = await countBy(db('ai_payment_failures').where('failed_at', '>=', window).groupBy('client_id').select('client_id', n));
  // Tickets whose triage read the client as upset (the AI plugin's own suggestions, accepted or not).
  const upsetTickets = await countBy(db('ai_ticket_triage').join('tickets', 'tickets.id', 'ai_ticket_triage.ticket_id').where('ai_ticket_triage.sentiment', 'negative')
    .where('ai_ticket_triage.created_at', '>=', window).whereNotNull('tickets.client_id').groupBy('tickets.client_id').select('tickets.client_id as client_id', n));
  const downgrades = await countBy(db('credit_ledger').where('reason', 'like', 'downgrade of service %').where('created_at', '>=', window).groupBy('client_id').select('client_id', n));
  const recent = await countBy(db('payments').whereNotIn('gateway', NOT_MONEY).where('paid_at', '>=', daysBefore(today, SPEND_DAYS)).groupBy('client_id').select('client_id', raw('sum(amount - refunded) as n')));
  const before = await countBy(db('payments').whereNotIn('gateway', NOT_MONEY).where('paid_at', '>=', daysBefore(today, 2 * SPEND_DAYS)).where('paid_at', '<', daysBefore(today, SPEND_DAYS))
    .groupBy('client_id').select('client_id', raw('sum(amount - refunded) as n')));
  const byClient = new Map(services.map((s) => [String(s.client_id), s]));
  return clients.map((c) => {
    const id = String(c.id);
    const s = byClient.get(id);
    const live = Number(s?.live ?? 0);
    const ended = Number(s?.ended ?? 0);
    const prev = before.get(id) ?? 0;
    const x: Record<string, number> = {
      overdueInvoices: capped(overdue.get(id)),
      latePayments: capped(late.get(id)),
      paymentDisputes: capped(disputes.get(id)),
      failedPayments: capped(failedPayments.get(id)),
      negativeTickets: capped(upsetTickets.get(id)),
      downgrades: capped(downgrades.get(id)),
      cancellationRequested: Number(s?.cancelling ?? 0) > 0 ? 1 : 0,
      suspendedServices: capped(Number(s?.suspended ?? 0)),
      // Share of the spend that went away (0 … 1); nothing spent before: no decline to speak of.
      spendDecline: prev > 0 ? Math.round(Math.max(0, (prev - (recent.get(id) ?? 0)) / prev) * 100) / 100 : 0,
    };
    const name = c.company_name ? String(c.company_name) : `${String(c.first_name)} ${String(c.last_name)}`;
    // Left: every recurring service ended (or the account closed); still here: a live service.
    const churned = (live === 0 && ended > 0) || c.status === 'closed';
    return { clientId: id, name, x, churned, live: live > 0 && !churned };
  });
}

export async function churnForecast(db: TenantDb, today: Date) {
  const signals = await churnSignals(db, today);
  const model = churnModel(signals.filter((s) => s.churned || s.live).map((s) => ({ x: s.x, y: s.churned ? 1 : 0 })));
  const scores: ChurnScore[] = signals.filter((s) => s.live).map((s) => {
    const { probability, factors } = scoreWith(model, s.x);
    return { clientId: s.clientId, name: s.name, probability: Math.round(probability * 1000) / 1000, level: probability >= 0.5 ? 'high' : probability >= 0.2 ? 'medium' : 'low', factors };
  });
  scores.sort((a, b) => b.probability - a.probability || a.name.localeCompare(b.name));
  return {
    scores,
    basedOn: {
      method: model.fitted ? 'logistic-regression' : 'default-weights',
      fitted: model.fitted,
      dataPoints: model.examples,
      churnedClients: model.positives,
      weights: Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, Math.round(v * 1000) / 1000])),
      bias: Math.round(model.bias * 1000) / 1000,
      fittedFactors: [...FITTED_FACTORS],
      fixedFactors: [...FIXED_FACTORS],
      period: { from: daysBefore(today, WINDOW_DAYS).slice(0, 10), to: today.toISOString().slice(0, 10) },
      source: 'billing clients, services, invoices (overdue, paid late, flagged), payments (last 90 days vs the 90 before), downgrade credits, declined payments (payment.failed) and tickets triaged as negative; label: clients whose recurring services all ended',
    },
  };
}
