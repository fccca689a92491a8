import type { Knex } from 'knex';
import { APP_ROLE, CURRENT_TENANT_SQL, createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * Wholesale (issue 22 item 5). The parent tenant offers its products to reseller sub-tenants at
 * wholesale prices; a reseller adopts an offer as a product of its own catalogue
 * (`products.wholesale_offer_id`); each period a reseller's service of such a product runs, a
 * wholesale charge lands in the PARENT's tenant, and the parent's billing run invoices the
 * reseller through an ordinary client row (`clients.reseller_tenant_id`): no second invoicing engine.
 *
 * Row-level security stays whole: the three crossings (a reseller reading the offers it received,
 * recording a charge for its own service, asking whether its parent holds its new orders; the
 * parent reading aggregates of its resellers' retail sales) are narrow SECURITY DEFINER functions,
 * like hosting's `hosting_placement_candidates`.
 */
const me = CURRENT_TENANT_SQL;

/** Offer `o` is for the calling tenant: a reseller child of the offering tenant, named or in the group. */
const FOR_ME = `EXISTS (SELECT 1 FROM tenants t WHERE t.id = ${me} AND t.parent_tenant_id = o.tenant_id AND t.is_reseller)
  AND (o.child_tenant_id = ${me} OR EXISTS (SELECT 1 FROM wholesale_group_members m WHERE m.group_id = o.group_id AND m.child_tenant_id = ${me}))`;

const FUNCTIONS = [
  'billing_wholesale_offers_received()',
  'billing_record_wholesale_charge(uuid, date, date)',
  'billing_wholesale_hold(date)',
  'billing_wholesale_retail(date, date)',
];

/**
 * The parent-side links stay inside one tenant at the database level too (foreign keys ignore
 * row-level security): keys span (tenant_id, id), as `products_tenant_group_fk` does.
 */
const LINKS: Array<[table: string, column: string, target: string, onDelete: string]> = [
  ['wholesale_group_members', 'group_id', 'wholesale_groups', 'CASCADE'],
  ['wholesale_offers', 'product_id', 'products', 'RESTRICT'],
  ['wholesale_offers', 'group_id', 'wholesale_groups', 'CASCADE'],
  ['wholesale_charges', 'offer_id', 'wholesale_offers', 'RESTRICT'],
  ['wholesale_charges', 'product_id', 'products', 'RESTRICT'],
];

async function sameTenantLinks(knex: Knex): Promise<void> {
  for (const target of ['products', 'wholesale_groups', 'wholesale_offers']) {
    await knex.raw(`ALTER TABLE ${target} ADD CONSTRAINT ${target}_tenant_id_id_uniq UNIQUE (tenant_id, id)`);
  }
  for (const [table, column, target, onDelete] of LINKS) {
    await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_tenant_${column}_fk FOREIGN KEY (tenant_id, ${column}) REFERENCES ${target} (tenant_id, id) ON DELETE ${onDelete}`);
    await knex.raw(`CREATE INDEX ${table}_tenant_${column}_idx ON ${table} (tenant_id, ${column})`);
  }
}

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'wholesale_groups', (t) => {
    t.text('name').notNullable();
    t.unique(['tenant_id', 'name']);
  });
  await createTenantTable(knex, 'wholesale_group_members', (t) => {
    t.uuid('group_id').notNullable();
    t.uuid('child_tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    t.unique(['group_id', 'child_tenant_id']);
    t.index(['child_tenant_id']);
  });

  await createTenantTable(knex, 'wholesale_offers', (t) => {
    t.uuid('product_id').notNullable();
    t.uuid('child_tenant_id').references('id').inTable('tenants').onDelete('CASCADE');
    t.uuid('group_id');
    t.string('currency', 3).notNullable();
    // { "<cycle>": <minor units per period> }: the cycles the reseller may sell the product in.
    t.jsonb('prices').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.index(['child_tenant_id']);
  });
  await knex.raw(`ALTER TABLE wholesale_offers ADD CONSTRAINT wholesale_offers_target_check CHECK ((child_tenant_id IS NULL) <> (group_id IS NULL))`);
  await knex.raw(`ALTER TABLE wholesale_offers ADD CONSTRAINT wholesale_offers_prices_check CHECK (jsonb_typeof(prices) = 'object')`);

  // The reseller's product made from an offer; the offer cannot be deleted under it (retire it instead).
  await knex.schema.alterTable('products', (t) => {
    t.uuid('wholesale_offer_id').references('id').inTable('wholesale_offers').onDelete('RESTRICT');
    t.index(['wholesale_offer_id']);
  });
  // The parent's client row standing for a reseller: its invoices, payments, credit and dunning.
  await knex.schema.alterTable('clients', (t) => {
    t.uuid('reseller_tenant_id').references('id').inTable('tenants').onDelete('RESTRICT');
  });
  await knex.raw('CREATE UNIQUE INDEX clients_reseller_uniq ON clients (tenant_id, reseller_tenant_id) WHERE reseller_tenant_id IS NOT NULL');
  await knex.raw('CREATE INDEX clients_reseller_tenant_idx ON clients (reseller_tenant_id)');

  // What the parent bills a reseller: one row per reseller service and period (a redelivery is a no-op).
  await createTenantTable(knex, 'wholesale_charges', (t) => {
    t.uuid('offer_id').notNullable();
    t.uuid('reseller_tenant_id').notNullable().references('id').inTable('tenants').onDelete('RESTRICT');
    // The reseller's service (a row of another tenant: named, not joined).
    t.uuid('reseller_service_id').notNullable();
    t.uuid('product_id').notNullable();
    t.text('cycle').notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('unit_amount').notNullable();
    t.integer('quantity').notNullable();
    t.date('period_start').notNullable();
    t.date('period_end');
    // The end customer's reference the reseller sells under (its domain, else the service id).
    t.text('reference').notNullable();
    t.uuid('invoice_id').references('id').inTable('invoices').onDelete('SET NULL');
    t.unique(['reseller_service_id', 'period_start']);
    t.index(['reseller_tenant_id']);
    t.index(['invoice_id']);
  });
  await knex.raw(`ALTER TABLE wholesale_charges ADD CONSTRAINT wholesale_charges_amount_check CHECK (unit_amount >= 0 AND quantity > 0)`);
  await sameTenantLinks(knex);
  await knex.raw(`CREATE INDEX wholesale_charges_unbilled_idx ON wholesale_charges (tenant_id, reseller_tenant_id) WHERE invoice_id IS NULL`);

  // The offers the calling reseller received: never the parent's retail prices or other resellers' offers.
  await knex.raw(`
    CREATE FUNCTION billing_wholesale_offers_received()
    RETURNS TABLE (id uuid, product_name text, description text, type text, taxable boolean, currency text, prices jsonb, created_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT o.id, p.name, p.description, p.type, p.taxable, o.currency::text, o.prices, o.created_at
        FROM wholesale_offers o JOIN products p ON p.id = o.product_id
       WHERE o.active AND ${FOR_ME}
       ORDER BY o.created_at, o.id
    $$`);

  // The calling reseller's service of an adopted product ran into a period: the parent's charge.
  await knex.raw(`
    CREATE FUNCTION billing_record_wholesale_charge(p_service uuid, p_start date, p_end date) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE r record; n integer;
    BEGIN
      SELECT o.id AS offer_id, o.tenant_id AS parent, o.product_id, o.currency, (o.prices->>s.cycle)::bigint AS price,
             s.id, s.cycle, s.quantity, coalesce(p_start, s.registration_date) AS start, coalesce(s.domain, s.id::text) AS reference
        INTO r
        FROM services s JOIN products p ON p.id = s.product_id AND p.tenant_id = s.tenant_id
        JOIN wholesale_offers o ON o.id = p.wholesale_offer_id
       WHERE s.id = p_service AND s.tenant_id = ${me}
         AND EXISTS (SELECT 1 FROM tenants t WHERE t.id = ${me} AND t.parent_tenant_id = o.tenant_id);
      IF NOT FOUND OR r.price IS NULL THEN RETURN false; END IF;
      INSERT INTO wholesale_charges (tenant_id, offer_id, reseller_tenant_id, reseller_service_id, product_id, cycle, currency, unit_amount, quantity, period_start, period_end, reference)
      VALUES (r.parent, r.offer_id, ${me}, r.id, r.product_id, r.cycle, r.currency, r.price, r.quantity, r.start, p_end, r.reference)
      ON CONFLICT (reseller_service_id, period_start) DO NOTHING;
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n > 0;
    END $$`);

  // The parent's invoice to the calling reseller overdue past the parent's hold setting, if any.
  await knex.raw(`
    CREATE FUNCTION billing_wholesale_hold(p_today date) RETURNS TABLE (number text, due_date date, hold_after_days integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      WITH parent AS (
        SELECT t.parent_tenant_id AS id,
               coalesce((SELECT (s.values->>'wholesaleHoldNewOrdersAfterDays')::integer FROM plugin_settings s
                          WHERE s.tenant_id = t.parent_tenant_id AND s.plugin_id = 'billing'
                            AND jsonb_typeof(s.values->'wholesaleHoldNewOrdersAfterDays') = 'number'), 14) AS days
          FROM tenants t WHERE t.id = ${me} AND t.parent_tenant_id IS NOT NULL
      )
      SELECT i.number, i.due_date, parent.days
        FROM parent JOIN clients c ON c.tenant_id = parent.id AND c.reseller_tenant_id = ${me}
        JOIN invoices i ON i.client_id = c.id AND i.tenant_id = parent.id
       WHERE parent.days > 0 AND i.status = 'unpaid' AND i.kind = 'invoice' AND i.due_date < p_today - parent.days
       ORDER BY i.due_date, i.id LIMIT 1
    $$`);

  // For the calling parent: what each reseller invoiced its clients for adopted products' periods
  // starting in [p_from, p_to), net of tax, as one sum per currency (never a client, line or price).
  await knex.raw(`
    CREATE FUNCTION billing_wholesale_retail(p_from date, p_to date)
    RETURNS TABLE (reseller_tenant_id uuid, currency text, retail bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT s.tenant_id, s.currency::text,
             coalesce(sum(ii.net) FILTER (WHERE i.status IN ('unpaid','paid') AND ii.period_start >= p_from AND ii.period_start < p_to), 0)::bigint
        FROM services s
        JOIN products p ON p.id = s.product_id AND p.tenant_id = s.tenant_id
        JOIN wholesale_offers o ON o.id = p.wholesale_offer_id AND o.tenant_id = ${me}
        JOIN tenants t ON t.id = s.tenant_id AND t.parent_tenant_id = ${me}
        LEFT JOIN invoice_items ii ON ii.service_id = s.id AND ii.kind IN ('order','recurring')
        LEFT JOIN invoices i ON i.id = ii.invoice_id
       GROUP BY s.tenant_id, s.currency
    $$`);

  for (const fn of FUNCTIONS) {
    await knex.raw(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    await knex.raw(`GRANT EXECUTE ON FUNCTION ${fn} TO ${APP_ROLE}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const fn of FUNCTIONS) await knex.raw(`DROP FUNCTION IF EXISTS ${fn}`);
  await dropTenantTable(knex, 'wholesale_charges');
  await knex.raw('DROP INDEX IF EXISTS clients_reseller_uniq');
  await knex.schema.alterTable('clients', (t) => t.dropColumn('reseller_tenant_id'));
  await knex.schema.alterTable('products', (t) => t.dropColumn('wholesale_offer_id'));
  await dropTenantTable(knex, 'wholesale_offers');
  await dropTenantTable(knex, 'wholesale_group_members');
  await dropTenantTable(knex, 'wholesale_groups');
  await knex.raw('ALTER TABLE products DROP CONSTRAINT IF EXISTS products_tenant_id_id_uniq');
}
