import { ValidationError } from '@mpanel/sdk';
import type { Billing } from '../context.ts';
import { int, isoDate } from '../db.ts';
import type { TaxRule } from '../domain/tax.ts';
import { createInvoices, type CreatedInvoice, type DraftItem } from './invoices.ts';
import { clientsWithCredit, settleNewInvoices } from './payments.ts';
import type { TaxedClient } from './taxes.ts';

/**
 * The parent's side of wholesale charges (recorded by its resellers, wholesale-orders.ts): its
 * billing run turns them into an ordinary invoice to the reseller's client row, so payment,
 * saved cards, credit, dunning and reports are billing's own.
 */
interface ChargeRow {
  id: string; reseller_tenant_id: string; reseller_service_id: string; currency: string; unit_amount: string; quantity: number;
  period_start: unknown; period_end: unknown; reference: string; cycle: string; product_name: string; taxable: boolean;
}

/** The parent's client row for a reseller, made on first use from the tenant (staff correct its e-mail and address). */
async function resellerClient(b: Billing, resellerTenantId: string, currency: string) {
  const existing = (await b.db('clients').where('reseller_tenant_id', resellerTenantId).first()) as Record<string, unknown> | undefined;
  if (existing) return existing;
  const tenant = (await b.db.trx('tenants').where({ id: resellerTenantId, parent_tenant_id: b.tenantId }).first('name', 'slug')) as { name: string; slug: string };
  const [row] = await b.db.insert<Record<string, unknown>>('clients', {
    email: `billing@${tenant.slug}.reseller.invalid`, first_name: tenant.name, last_name: '(reseller)', company_name: tenant.name,
    country: b.settings.sellerCountry ?? 'US', currency, reseller_tenant_id: resellerTenantId,
  });
  return row!;
}

/** One invoice for these charges; false (nothing written) when its total is beyond an invoice's bound. */
async function issue(b: Billing, rules: TaxRule[], client: TaxedClient & { id: string }, currency: string, charges: ChargeRow[]): Promise<boolean> {
  const items: DraftItem[] = charges.map((c) => {
    const start = isoDate(c.period_start)!;
    const end = isoDate(c.period_end);
    return {
      kind: 'wholesale', description: `${c.product_name} — ${c.reference} (service ${c.reseller_service_id}) ${end ? `${start} – ${end}` : start}`,
      unitAmount: int(c.unit_amount), quantity: c.quantity, discount: 0, taxable: c.taxable, periodStart: start, periodEnd: end,
    };
  });
  let invoice: CreatedInvoice | undefined;
  try {
    [invoice] = await createInvoices(b, [{ client, currency, issueDate: b.today, dueDate: b.today, items }], rules);
  } catch (err) {
    // createInvoices checks the bound before writing anything, so the transaction is still clean.
    if (err instanceof ValidationError) return false;
    throw err;
  }
  await b.db('wholesale_charges').whereIn('id', charges.map((c) => c.id)).update({ invoice_id: invoice!.id, updated_at: b.db.trx.fn.now() });
  const withCredit = b.settings.autoApplyCredit ? await clientsWithCredit(b, [invoice!.clientId]) : new Set<string>();
  await settleNewInvoices(b, [invoice!], withCredit);
  return true;
}

/**
 * One invoice per reseller and currency for its charges whose period has started by the run date:
 * a line per service and period naming the product, the end customer's reference and the period.
 * The parent's tax rules apply as to any client. Rows are locked (SKIP LOCKED) so two runs share,
 * never double-bill; a charge is linked to its invoice in the same transaction.
 */
export async function invoiceWholesaleCharges(b: Billing, rules: TaxRule[]): Promise<number> {
  const { rows } = (await b.db.trx.raw(
    `SELECT w.id, w.reseller_tenant_id, w.reseller_service_id, w.currency, w.unit_amount, w.quantity, w.period_start, w.period_end, w.reference, w.cycle,
            p.name AS product_name, p.taxable
       FROM wholesale_charges w JOIN products p ON p.id = w.product_id
      WHERE w.tenant_id = ? AND w.invoice_id IS NULL AND w.period_start <= ?
      ORDER BY w.reseller_tenant_id, w.currency, w.period_start, w.id
      FOR UPDATE OF w SKIP LOCKED`,
    [b.tenantId, b.today],
  )) as { rows: ChargeRow[] };
  if (!rows.length) return 0;
  const groups = new Map<string, ChargeRow[]>();
  for (const r of rows) groups.set(`${r.reseller_tenant_id}/${r.currency}`, [...(groups.get(`${r.reseller_tenant_id}/${r.currency}`) ?? []), r]);
  let created = 0;
  for (const charges of groups.values()) {
    const { reseller_tenant_id: reseller, currency } = charges[0]!;
    const client = (await resellerClient(b, reseller, currency)) as unknown as TaxedClient & { id: string };
    if (await issue(b, rules, client, currency, charges)) {
      created += 1;
      continue;
    }
    // Too much for one invoice (absurd prices × quantities): one invoice per charge; a charge too
    // big even alone stays unbilled and logged, and the run goes on for every other reseller.
    for (const charge of charges) {
      if (await issue(b, rules, client, currency, [charge])) created += 1;
      else b.plugin.logger.error({ chargeId: charge.id, resellerTenantId: reseller }, 'wholesale charge too large to invoice: left unbilled');
    }
  }
  return created;
}
