import type { Billing } from '../context.ts';
import { int, isoTime, paginate, type Page } from '../db.ts';
import { getClientRow } from './clients.ts';

// paginate() takes column names; knex also takes { column, order }, which is how newest-first is said.
const NEWEST_FIRST = [{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }] as unknown as string[];

function entryView(row: Record<string, unknown>) {
  return {
    id: row.id as string,
    amount: int(row.amount),
    currency: row.currency as string,
    reason: row.reason as string,
    invoiceId: (row.invoice_id as string | null) ?? null,
    paymentId: (row.payment_id as string | null) ?? null,
    createdAt: isoTime(row.created_at),
  };
}

/**
 * A client's credit: the balance (the sum of the whole ledger, in the client's currency; `balances`
 * per currency in case the client's currency was changed after credit was given) and one page of
 * entries, newest first. A client user may read only its own account (404 otherwise).
 */
export async function clientCredit(b: Billing, clientId: string, page: Page) {
  const client = await getClientRow(b, clientId);
  const sums = (await b.db('credit_ledger').where('client_id', clientId).groupBy('currency').orderBy('currency')
    .select('currency', b.db.trx.raw('sum(amount) as amount'))) as Array<{ currency: string; amount: string | number }>;
  const balances = sums.map((s) => ({ currency: s.currency, amount: int(s.amount) }));
  const { data: entries, total } = await paginate(b.db('credit_ledger').where('client_id', clientId), page, NEWEST_FIRST, entryView);
  return {
    credit: { balance: balances.find((s) => s.currency === client.currency)?.amount ?? 0, currency: client.currency, balances, entries },
    total,
  };
}
