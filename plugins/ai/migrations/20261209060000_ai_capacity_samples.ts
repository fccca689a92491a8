import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * One row per server and day: how many hosting accounts it held and how much disk they were
 * allotted and used. The capacity forecast fits its trend line through these. Written by the AI
 * plugin's daily sample job. `server_id` has no foreign key: hosting is not a dependency of the
 * AI plugin (its tables may not exist, or be created after these), and a sample outlives its server.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'ai_capacity_samples', (t) => {
    t.uuid('server_id').notNullable();
    t.date('sampled_on').notNullable();
    t.integer('accounts').notNullable();
    // Disk the accounts' plans allot (what placement fills up), and what they reported using.
    t.bigInteger('allocated_disk_mb').notNullable();
    t.bigInteger('used_disk_mb').notNullable();
    t.unique(['tenant_id', 'server_id', 'sampled_on']);
  });
  await knex.raw('CREATE INDEX ai_capacity_samples_server_idx ON ai_capacity_samples (server_id, sampled_on)');
  await knex.raw(`ALTER TABLE ai_capacity_samples ADD CONSTRAINT ai_capacity_samples_counts_check CHECK (accounts >= 0 AND allocated_disk_mb >= 0 AND used_disk_mb >= 0)`);
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'ai_capacity_samples');
}
