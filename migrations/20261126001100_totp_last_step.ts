import type { Knex } from 'knex';

/**
 * The TOTP time-step (30-second counter) of the last code a user was let in with: a code is
 * accepted only for a later step, so one seen over a shoulder or in a log cannot be replayed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => t.bigInteger('totp_last_step'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => t.dropColumn('totp_last_step'));
}
