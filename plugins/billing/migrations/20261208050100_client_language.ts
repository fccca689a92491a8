import type { Knex } from 'knex';

/** The client's language: which version of a mail template it gets (null: English). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => t.text('language'));
  await knex.raw(`ALTER TABLE clients ADD CONSTRAINT clients_language_check CHECK (language ~ '^[a-z]{2}(-[A-Z]{2}){0,1}$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('clients', (t) => t.dropColumn('language'));
}
