import type { Knex } from 'knex';

/**
 * "Log in as client": a session a staff user opened for a client user of their tenant records who
 * opened it. Deleting that staff user ends the session with it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.uuid('impersonated_by').references('id').inTable('users').onDelete('CASCADE');
    t.index(['impersonated_by']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => t.dropColumn('impersonated_by'));
}
