import type { Knex } from 'knex';
import { APP_ROLE, CURRENT_TENANT_SQL } from '@mpanel/sdk';

/**
 * The reseller's wholesale account (issue 22 item 5 follow-up): the invoices its parent issued to
 * the client row standing for it (`clients.reseller_tenant_id`), read in the RESELLER's tenant.
 * Row-level security stays whole: three narrow read-only SECURITY DEFINER functions, each keyed on
 * the calling tenant, like `billing_wholesale_hold`. A tenant that is no reseller child, or a
 * parent's ordinary client, reaches nothing (the client row must name the caller as reseller).
 */
const me = CURRENT_TENANT_SQL;

/** The parent's client row that stands for the calling reseller. */
const MY_ACCOUNT = `SELECT c.* FROM tenants t JOIN clients c ON c.tenant_id = t.parent_tenant_id AND c.reseller_tenant_id = t.id
  WHERE t.id = ${me} AND t.is_reseller`;

const FUNCTIONS = [
  'billing_wholesale_account()',
  'billing_wholesale_invoices(uuid)',
  'billing_wholesale_invoice_items(uuid)',
];

export async function up(knex: Knex): Promise<void> {
  // Who bills the caller and as whom: the address block and the seller fields an invoice prints
  // anyway (never the client's staff notes or the parent's other settings).
  await knex.raw(`
    CREATE FUNCTION billing_wholesale_account()
    RETURNS TABLE (parent_tenant_id uuid, client_id uuid, email text, first_name text, last_name text, company_name text,
                   country text, tax_id text, address jsonb, seller jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT a.tenant_id, a.id, a.email, a.first_name, a.last_name, a.company_name, a.country::text, a.tax_id, a.address,
             coalesce((SELECT jsonb_strip_nulls(jsonb_build_object(
                         'companyName', s.values->'companyName', 'companyAddress', s.values->'companyAddress',
                         'sellerTaxId', s.values->'sellerTaxId', 'logo', s.values->'logo'))
                         FROM plugin_settings s WHERE s.tenant_id = a.tenant_id AND s.plugin_id = 'billing'), '{}'::jsonb)
        FROM (${MY_ACCOUNT}) a
    $$`);

  // The parent's issued invoices (and credit notes) to the caller, newest first; one by id, or all.
  await knex.raw(`
    CREATE FUNCTION billing_wholesale_invoices(p_id uuid) RETURNS SETOF invoices
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT i.* FROM (${MY_ACCOUNT}) a JOIN invoices i ON i.tenant_id = a.tenant_id AND i.client_id = a.id
       WHERE i.status <> 'draft' AND (p_id IS NULL OR i.id = p_id)
       ORDER BY i.issue_date DESC NULLS LAST, i.created_at DESC, i.id
    $$`);

  await knex.raw(`
    CREATE FUNCTION billing_wholesale_invoice_items(p_id uuid) RETURNS SETOF invoice_items
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT ii.* FROM billing_wholesale_invoices(p_id) i JOIN invoice_items ii ON ii.invoice_id = i.id AND ii.tenant_id = i.tenant_id
       WHERE p_id IS NOT NULL
       ORDER BY ii.position, ii.id
    $$`);

  for (const fn of FUNCTIONS) {
    await knex.raw(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    await knex.raw(`GRANT EXECUTE ON FUNCTION ${fn} TO ${APP_ROLE}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const fn of [...FUNCTIONS].reverse()) await knex.raw(`DROP FUNCTION IF EXISTS ${fn}`);
}
