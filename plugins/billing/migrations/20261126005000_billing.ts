import type { Knex } from 'knex';
import { createTenantTable } from '@mpanel/sdk';

/**
 * The billing schema. Every table is a tenant table (tenant_id + row-level security via the SDK
 * helper). Money columns are bigint minor units next to a currency. The constraints carry the
 * money rules so no code path can break them:
 * - invoice numbers unique per tenant, drawn from a per-tenant counter row locked on issue (no gaps);
 * - one recurring invoice line per (service, period): a rerun of the billing run cannot double-bill;
 * - one payment per (gateway, transaction id); one reminder per (invoice, kind); one late fee per invoice.
 * Portal users are core users with role `client`; their `users.client_id` (core) points at `clients`.
 */
const CYCLES = `('onetime','monthly','quarterly','semiannually','annually','biennially','triennially')`;

async function check(knex: Knex, table: string, name: string, expr: string): Promise<void> {
  await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_${name}_check CHECK (${expr})`);
}

export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'clients', (t) => {
    t.text('email').notNullable();
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.text('company_name');
    t.jsonb('address').notNullable().defaultTo('{}');
    t.string('country', 2).notNullable();
    t.text('state');
    t.string('currency', 3).notNullable();
    t.text('tax_id');
    t.boolean('tax_exempt').notNullable().defaultTo(false);
    t.text('notes');
    t.text('status').notNullable().defaultTo('active');
  });
  await check(knex, 'clients', 'status', `status IN ('active','inactive','closed')`);
  await knex.raw('CREATE UNIQUE INDEX clients_tenant_email_uniq ON clients (tenant_id, lower(email))');
  await knex.raw('CREATE INDEX clients_tenant_created_idx ON clients (tenant_id, created_at, id)');

  await createTenantTable(knex, 'product_groups', (t) => {
    t.text('name').notNullable();
    t.text('description');
    t.integer('sort_order').notNullable().defaultTo(0);
    t.boolean('hidden').notNullable().defaultTo(false);
  });

  await createTenantTable(knex, 'products', (t) => {
    t.uuid('group_id').references('id').inTable('product_groups').onDelete('SET NULL');
    t.text('name').notNullable();
    t.text('description');
    t.text('type').notNullable();
    t.boolean('taxable').notNullable().defaultTo(true);
    t.boolean('hidden').notNullable().defaultTo(false);
    t.boolean('retired').notNullable().defaultTo(false);
    // null = unlimited; decremented as orders are placed
    t.integer('stock');
    t.jsonb('provisioning');
    t.integer('sort_order').notNullable().defaultTo(0);
  });
  await check(knex, 'products', 'type', `type IN ('hosting','domain','ssl','other')`);
  await check(knex, 'products', 'stock', 'stock IS NULL OR stock >= 0');

  await createTenantTable(knex, 'product_prices', (t) => {
    t.uuid('product_id').notNullable().references('id').inTable('products').onDelete('CASCADE');
    t.string('currency', 3).notNullable();
    t.text('cycle').notNullable();
    t.bigInteger('amount').notNullable();
    t.bigInteger('setup_fee').notNullable().defaultTo(0);
    t.unique(['product_id', 'currency', 'cycle']);
  });
  await check(knex, 'product_prices', 'cycle', `cycle IN ${CYCLES}`);
  await check(knex, 'product_prices', 'amounts', 'amount >= 0 AND setup_fee >= 0');

  // Configurable options (disk size, extra IPs): each choice adds to the price per currency/cycle.
  await createTenantTable(knex, 'product_options', (t) => {
    t.uuid('product_id').notNullable().references('id').inTable('products').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('label').notNullable();
    // [{ value, label, prices: [{ currency, cycle, amount }] }]
    t.jsonb('choices').notNullable().defaultTo('[]');
    t.unique(['product_id', 'key']);
  });

  await createTenantTable(knex, 'coupons', (t) => {
    t.text('code').notNullable();
    t.text('type').notNullable();
    t.bigInteger('value').notNullable();
    t.string('currency', 3);
    t.boolean('recurring').notNullable().defaultTo(false);
    t.jsonb('product_ids').notNullable().defaultTo('[]');
    t.jsonb('cycles').notNullable().defaultTo('[]');
    t.integer('max_uses');
    t.integer('uses_count').notNullable().defaultTo(0);
    t.date('valid_from');
    t.date('expires_at');
  });
  await check(knex, 'coupons', 'type', `type IN ('percent','fixed') AND value >= 0 AND (type = 'percent' OR currency IS NOT NULL)`);
  await knex.raw('CREATE UNIQUE INDEX coupons_tenant_code_uniq ON coupons (tenant_id, lower(code))');

  await createTenantTable(knex, 'orders', (t) => {
    t.uuid('client_id').notNullable().references('id').inTable('clients').onDelete('RESTRICT');
    t.text('status').notNullable().defaultTo('pending');
    t.string('currency', 3).notNullable();
    t.uuid('coupon_id').references('id').inTable('coupons').onDelete('SET NULL');
    t.uuid('invoice_id');
    t.bigInteger('total').notNullable().defaultTo(0);
    t.text('ip');
    t.text('notes');
    t.timestamp('accepted_at', { useTz: true });
    t.timestamp('cancelled_at', { useTz: true });
    t.index(['tenant_id', 'client_id']);
  });
  await check(knex, 'orders', 'status', `status IN ('pending','accepted','cancelled','fraud')`);

  await createTenantTable(knex, 'services', (t) => {
    t.uuid('client_id').notNullable().references('id').inTable('clients').onDelete('RESTRICT');
    t.uuid('product_id').notNullable().references('id').inTable('products').onDelete('RESTRICT');
    t.uuid('order_id').references('id').inTable('orders').onDelete('SET NULL');
    t.text('status').notNullable().defaultTo('pending');
    t.text('cycle').notNullable();
    t.string('currency', 3).notNullable();
    // The recurring price (options and recurring coupons included), per period.
    t.bigInteger('amount').notNullable();
    t.integer('quantity').notNullable().defaultTo(1);
    t.text('domain');
    t.jsonb('config').notNullable().defaultTo('{}');
    t.uuid('coupon_id').references('id').inTable('coupons').onDelete('SET NULL');
    t.date('registration_date').notNullable();
    // The day of month of the first due date; due dates keep it (Jan 31 → Feb 28 → Mar 31).
    t.smallint('anchor_day').notNullable();
    // The start of the next period not yet invoiced.
    t.date('next_due_date');
    t.date('termination_date');
    t.text('suspend_reason');
    t.text('cancellation_type');
    t.date('cancel_at');
  });
  await check(knex, 'services', 'status', `status IN ('pending','active','suspended','terminated','cancelled')`);
  await check(knex, 'services', 'cycle', `cycle IN ${CYCLES}`);
  await check(knex, 'services', 'anchor', 'anchor_day BETWEEN 1 AND 31');
  await check(knex, 'services', 'cancellation', `cancellation_type IS NULL OR cancellation_type IN ('immediate','end_of_period')`);
  await knex.raw('CREATE INDEX services_tenant_client_idx ON services (tenant_id, client_id)');
  // The billing run's scan: active recurring services by due date.
  await knex.raw(`CREATE INDEX services_due_idx ON services (tenant_id, next_due_date, id) WHERE status IN ('active','suspended')`);

  await createTenantTable(knex, 'invoices', (t) => {
    t.uuid('client_id').notNullable().references('id').inTable('clients').onDelete('RESTRICT');
    t.uuid('order_id').references('id').inTable('orders').onDelete('SET NULL');
    t.text('kind').notNullable().defaultTo('invoice');
    // A credit note corrects this invoice (issued lines never change).
    t.uuid('corrects_invoice_id').references('id').inTable('invoices').onDelete('RESTRICT');
    t.text('number');
    t.text('status').notNullable().defaultTo('draft');
    t.string('currency', 3).notNullable();
    t.bigInteger('subtotal').notNullable().defaultTo(0);
    t.bigInteger('tax').notNullable().defaultTo(0);
    t.bigInteger('total').notNullable().defaultTo(0);
    // Payments applied (credit included) minus refunds.
    t.bigInteger('amount_paid').notNullable().defaultTo(0);
    t.jsonb('tax_breakdown').notNullable().defaultTo('[]');
    t.text('tax_note');
    t.date('issue_date');
    t.date('due_date');
    t.timestamp('paid_at', { useTz: true });
    t.timestamp('cancelled_at', { useTz: true });
    t.jsonb('billing_address').notNullable().defaultTo('{}');
    // Staff attention markers (chargebacks): [{ reason, reference, note, at }]
    t.jsonb('flags').notNullable().defaultTo('[]');
    // A late-fee invoice names the overdue invoice it is for; unique, so the fee is added once.
    t.uuid('late_fee_for_invoice_id').references('id').inTable('invoices').onDelete('RESTRICT');
  });
  await check(knex, 'invoices', 'status', `status IN ('draft','unpaid','paid','cancelled','refunded')`);
  await check(knex, 'invoices', 'kind', `kind IN ('invoice','credit_note')`);
  await check(knex, 'invoices', 'number', `status = 'draft' OR number IS NOT NULL`);
  await knex.raw('CREATE UNIQUE INDEX invoices_tenant_number_uniq ON invoices (tenant_id, number)');
  await knex.raw('CREATE INDEX invoices_tenant_client_idx ON invoices (tenant_id, client_id, created_at)');
  await knex.raw('CREATE UNIQUE INDEX invoices_late_fee_uniq ON invoices (late_fee_for_invoice_id) WHERE late_fee_for_invoice_id IS NOT NULL');
  await knex.raw(`CREATE INDEX invoices_unpaid_idx ON invoices (tenant_id, due_date) WHERE status = 'unpaid'`);

  // One counter row per tenant; `SELECT ... FOR UPDATE` while issuing serialises numbering.
  await createTenantTable(knex, 'invoice_sequences', (t) => {
    t.bigInteger('last_value').notNullable().defaultTo(0);
    t.unique(['tenant_id']);
  }, { bare: true });

  await createTenantTable(knex, 'invoice_items', (t) => {
    t.uuid('invoice_id').notNullable().references('id').inTable('invoices').onDelete('CASCADE');
    t.uuid('service_id').references('id').inTable('services').onDelete('SET NULL');
    // recurring | setup | order | upgrade | late_fee | credit_note | manual
    t.text('kind').notNullable();
    t.text('description').notNullable();
    t.bigInteger('unit_amount').notNullable();
    t.integer('quantity').notNullable().defaultTo(1);
    t.bigInteger('discount').notNullable().defaultTo(0);
    t.bigInteger('net').notNullable();
    t.bigInteger('tax1').notNullable().defaultTo(0);
    t.bigInteger('tax2').notNullable().defaultTo(0);
    t.bigInteger('total').notNullable();
    t.boolean('taxable').notNullable().defaultTo(true);
    t.date('period_start');
    t.date('period_end');
    t.integer('position').notNullable().defaultTo(0);
    t.index(['invoice_id']);
    // "has this service an unpaid invoice?" (suspension, termination, unsuspend on payment)
    t.index(['service_id']);
  });
  await check(knex, 'invoice_items', 'total', 'total = net + tax1 + tax2');
  // The rule that makes the billing run idempotent: one recurring line per service and period.
  await knex.raw(`CREATE UNIQUE INDEX invoice_items_service_period_uniq ON invoice_items (service_id, period_start) WHERE kind IN ('recurring','order')`);

  await createTenantTable(knex, 'payments', (t) => {
    t.uuid('invoice_id').references('id').inTable('invoices').onDelete('RESTRICT');
    t.uuid('client_id').notNullable().references('id').inTable('clients').onDelete('RESTRICT');
    t.text('gateway').notNullable();
    t.text('transaction_id').notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    // Of `amount`: what went onto the invoice; the rest became client credit.
    t.bigInteger('applied').notNullable();
    t.bigInteger('refunded').notNullable().defaultTo(0);
    t.timestamp('paid_at', { useTz: true }).notNullable();
    t.uuid('recorded_by');
    t.unique(['tenant_id', 'gateway', 'transaction_id']);
    t.index(['invoice_id']);
  });
  await check(knex, 'payments', 'amounts', 'amount > 0 AND applied >= 0 AND applied <= amount AND refunded >= 0 AND refunded <= amount');

  await createTenantTable(knex, 'refunds', (t) => {
    t.uuid('payment_id').notNullable().references('id').inTable('payments').onDelete('RESTRICT');
    t.uuid('invoice_id').references('id').inTable('invoices').onDelete('RESTRICT');
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.text('reason');
    t.text('gateway').notNullable();
    // The gateway's refund id; null for refunds recorded by staff only.
    t.text('gateway_refund_id');
    t.index(['invoice_id']);
  });
  await check(knex, 'refunds', 'amount', 'amount > 0');
  await knex.raw('CREATE UNIQUE INDEX refunds_gateway_uniq ON refunds (tenant_id, gateway, gateway_refund_id) WHERE gateway_refund_id IS NOT NULL');

  // A client's credit balance is the sum of its ledger, never a stored number.
  await createTenantTable(knex, 'credit_ledger', (t) => {
    t.uuid('client_id').notNullable().references('id').inTable('clients').onDelete('RESTRICT');
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.text('reason').notNullable();
    t.uuid('invoice_id').references('id').inTable('invoices').onDelete('SET NULL');
    t.uuid('payment_id').references('id').inTable('payments').onDelete('SET NULL');
    t.index(['tenant_id', 'client_id']);
  });

  await createTenantTable(knex, 'coupon_redemptions', (t) => {
    t.uuid('coupon_id').notNullable().references('id').inTable('coupons').onDelete('CASCADE');
    t.uuid('client_id').notNullable().references('id').inTable('clients').onDelete('CASCADE');
    t.uuid('order_id').notNullable().references('id').inTable('orders').onDelete('CASCADE');
    t.unique(['coupon_id', 'order_id']);
  });

  await createTenantTable(knex, 'tax_rules', (t) => {
    t.text('name').notNullable();
    t.string('country', 2);
    t.text('state');
    t.integer('rate_ppm').notNullable();
    t.smallint('level').notNullable().defaultTo(1);
    t.boolean('compound').notNullable().defaultTo(false);
    t.date('valid_from');
    t.date('valid_to');
  });
  await check(knex, 'tax_rules', 'rate', 'rate_ppm >= 0 AND rate_ppm <= 1000000 AND level IN (1, 2)');

  await createTenantTable(knex, 'reminders_sent', (t) => {
    t.uuid('invoice_id').notNullable().references('id').inTable('invoices').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.unique(['invoice_id', 'kind']);
  });

  await createTenantTable(knex, 'billing_runs', (t) => {
    t.date('run_date').notNullable();
    t.text('status').notNullable().defaultTo('running');
    t.jsonb('counts').notNullable().defaultTo('{}');
    t.timestamp('finished_at', { useTz: true });
    t.index(['tenant_id', 'run_date']);
  });

}

const TABLES = [
  'billing_runs', 'reminders_sent', 'tax_rules', 'coupon_redemptions', 'credit_ledger', 'refunds', 'payments',
  'invoice_items', 'invoice_sequences', 'invoices', 'services', 'orders', 'coupons', 'product_options',
  'product_prices', 'products', 'product_groups', 'clients',
];

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.schema.dropTableIfExists(table);
}
