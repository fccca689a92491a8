import type { Knex } from 'knex';
import { createTenantTable, dropTenantTable } from '@mpanel/sdk';

/**
 * The panel side of the agent protocol. `agent_servers` holds what enrollment established for a
 * hosting server (its public key, the pending one-time token's hash); `agent_jobs` the signed jobs
 * the agent pulls and what it answered. Hosting's `servers` row stays the inventory.
 */
export async function up(knex: Knex): Promise<void> {
  await createTenantTable(knex, 'agent_servers', (t) => {
    t.uuid('server_id').notNullable().references('id').inTable('servers').onDelete('CASCADE');
    t.text('public_key');
    t.text('token_hash');
    t.timestamp('token_expires_at', { useTz: true });
    t.timestamp('enrolled_at', { useTz: true });
    t.timestamp('last_seen_at', { useTz: true });
    t.jsonb('facts').notNullable().defaultTo('{}');
    t.unique(['tenant_id', 'server_id']);
    t.index(['server_id'], 'agent_servers_server_id_idx');
  });

  await createTenantTable(knex, 'agent_jobs', (t) => {
    t.uuid('server_id').notNullable().references('id').inTable('servers').onDelete('CASCADE');
    t.text('op').notNullable();
    // The envelope exactly as signed; the agent verifies the signature over its canonical JSON.
    t.jsonb('envelope').notNullable();
    t.text('signature').notNullable();
    // queued → delivered → succeeded | failed; cancelled (never delivered, the caller gave up) | expired
    t.text('status').notNullable().defaultTo('queued');
    t.jsonb('result');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['server_id'], 'agent_jobs_server_id_idx');
    t.index(['tenant_id', 'server_id', 'status', 'created_at'], 'agent_jobs_pending_idx');
  });
  await knex.raw(`ALTER TABLE agent_jobs ADD CONSTRAINT agent_jobs_status_check CHECK (status IN ('queued','delivered','succeeded','failed','cancelled','expired'))`);
}

export async function down(knex: Knex): Promise<void> {
  await dropTenantTable(knex, 'agent_jobs');
  await dropTenantTable(knex, 'agent_servers');
}
