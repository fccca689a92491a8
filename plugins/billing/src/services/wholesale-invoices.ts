import { NotFoundError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { amountDue, toInvoiceSummary, toItem } from './invoices.ts';

/**
 * The reseller's side of its wholesale account: the invoices its parent issued to it, read in the
 * reseller's own tenant through `billing_wholesale_invoices()` and friends (migration
 * `20261209060000_wholesale_invoices`). Read-only; the parent's client id, flags and payments are
 * left out (they are the parent's bookkeeping).
 */
type Row = Record<string, unknown>;

async function rows(b: Billing, sql: string, bindings: Array<string | null> = []): Promise<Row[]> {
  return ((await b.db.trx.raw(sql, bindings)) as { rows: Row[] }).rows;
}

function toWholesaleInvoice(row: Row) {
  const { clientId: _client, flags: _flags, orderId: _order, ...invoice } = toInvoiceSummary(row);
  return invoice;
}

export type WholesaleInvoice = ReturnType<typeof toWholesaleInvoice>;

/** Every issued invoice plus the balance: what is due per currency (unpaid invoices only). */
export async function wholesaleInvoices(b: Billing) {
  const all = await rows(b, 'SELECT * FROM billing_wholesale_invoices(?::uuid)', [null]);
  const balance: Record<string, number> = {};
  for (const r of all) {
    if (r.status !== 'unpaid' || r.kind !== 'invoice') continue;
    balance[r.currency as string] = (balance[r.currency as string] ?? 0) + amountDue(r);
  }
  return { invoices: all.map(toWholesaleInvoice), balance: Object.entries(balance).map(([currency, due]) => ({ currency, amountDue: due })) };
}

export async function wholesaleInvoice(b: Billing, id: string) {
  const [row] = await rows(b, 'SELECT * FROM billing_wholesale_invoices(?::uuid)', [id]);
  if (!row) throw new NotFoundError('Invoice not found');
  const items = await rows(b, 'SELECT * FROM billing_wholesale_invoice_items(?::uuid)', [id]);
  return { ...toWholesaleInvoice(row), items: items.map(toItem) };
}

/** Who bills the reseller (the parent tenant, its printed seller fields) and the address billed. */
export async function wholesaleAccount(b: Billing) {
  const [row] = await rows(b, 'SELECT * FROM billing_wholesale_account()');
  if (!row) throw new NotFoundError('Invoice not found');
  return {
    parentTenantId: row.parent_tenant_id as string,
    client: {
      firstName: row.first_name as string, lastName: row.last_name as string, companyName: (row.company_name as string | null) ?? null,
      email: row.email as string, country: row.country as string, taxId: (row.tax_id as string | null) ?? null, address: row.address as Record<string, string>,
    },
    seller: row.seller as Record<string, string>,
  };
}
