import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * Imports of accounts that already exist on a server (a cPanel or Hestia server moving its billing
 * to mPanel): what staff chose, how far the job got, and the report. Idempotency is not here but on
 * hosting_accounts (server_id, username): an account imported once is skipped by every later run.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'hosting_imports', (t) => {
    t.uuid('server_id').notNullable().references('id').inTable('servers').onDelete('CASCADE');
    t.text('status').notNullable().defaultTo('queued');
    // { productId, planId, cycle, nextDueDate, createMissingClients, country, mappings, usernames }
    t.jsonb('options').notNullable().defaultTo('{}');
    t.integer('total').notNullable().defaultTo(0);
    t.integer('processed').notNullable().defaultTo(0);
    t.integer('imported').notNullable().defaultTo(0);
    // imported onto an existing client / with a client made for it / not imported
    t.integer('matched').notNullable().defaultTo(0);
    t.integer('created').notNullable().defaultTo(0);
    t.integer('skipped').notNullable().defaultTo(0);
    // [{ username, outcome, clientId?, serviceId?, accountId?, matchedBy?, reason? }]
    t.jsonb('report').notNullable().defaultTo('[]');
    t.text('error');
    t.text('started_by');
    t.timestamp('finished_at', { useTz: true });
    t.index(['server_id'], 'hosting_imports_server_idx');
  });
  await knex.raw(`ALTER TABLE hosting_imports ADD CONSTRAINT hosting_imports_status_check CHECK (status IN ('queued','running','succeeded','failed'))`);
  // One import at a time per server: two would race for the same usernames.
  await knex.raw(`CREATE UNIQUE INDEX hosting_imports_one_open_uniq ON hosting_imports (server_id) WHERE status IN ('queued','running')`);
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'hosting_imports');
}
