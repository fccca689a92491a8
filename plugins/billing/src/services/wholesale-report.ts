import type { Billing } from '../context.ts';
import { int } from '../db.ts';
import { marginOf } from '../domain/wholesale.ts';
import { monthBounds } from './reports.ts';

export interface ResellerFigures {
  resellerTenantId: string;
  resellerName: string;
  currency: string;
  /** The reseller's services charged for periods starting in the month. */
  services: number;
  /** Charged to the reseller for periods starting in the month (invoiced or about to be). */
  wholesaleRevenue: number;
  /** Invoiced by the reseller to its clients for those products' periods starting in the month (net of tax). */
  retailRevenue: number;
  margin: number;
  marginBp: number | null;
}

/**
 * `GET /api/v1/wholesale/report?month=`: per reseller sub-tenant and currency. The reseller's
 * retail side comes from `billing_wholesale_retail` as aggregates only: the parent never reads a
 * reseller's client, invoice or price.
 */
export async function wholesaleReport(b: Billing, month = b.today.slice(0, 7)) {
  const { from, to } = monthBounds(month);
  const charged = (await b.db('wholesale_charges').where('period_start', '>=', from).where('period_start', '<', to)
    .groupBy('reseller_tenant_id', 'currency')
    .select('reseller_tenant_id', 'currency', b.db.trx.raw('sum(unit_amount * quantity) AS amount'), b.db.trx.raw('count(DISTINCT reseller_service_id) AS services'))) as Array<{ reseller_tenant_id: string; currency: string; amount: string; services: string }>;
  const { rows: retail } = (await b.db.trx.raw('SELECT * FROM billing_wholesale_retail(?::date, ?::date)', [from, to])) as {
    rows: Array<{ reseller_tenant_id: string; currency: string; retail: string }>;
  };
  const resellers = (await b.db.trx('tenants').where({ parent_tenant_id: b.tenantId, is_reseller: true }).select('id', 'name')) as Array<{ id: string; name: string }>;
  const rows: ResellerFigures[] = [];
  for (const r of resellers) {
    const currencies = new Set([...charged, ...retail].filter((x) => x.reseller_tenant_id === r.id).map((x) => x.currency));
    for (const currency of [...currencies].sort()) {
      const bought = charged.find((x) => x.reseller_tenant_id === r.id && x.currency === currency);
      const wholesale = int(bought?.amount);
      const retailRevenue = int(retail.find((x) => x.reseller_tenant_id === r.id && x.currency === currency)?.retail);
      rows.push({ resellerTenantId: r.id, resellerName: r.name, currency, services: int(bought?.services), wholesaleRevenue: wholesale, retailRevenue, ...marginOf(retailRevenue, wholesale) });
    }
  }
  return { month, resellers: rows };
}
