import type { Knex } from 'knex';

/**
 * Staff switch a coupon off without deleting it (a redeemed coupon is history and is kept):
 * a disabled coupon is refused at order time like an expired one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('coupons', (t) => {
    t.boolean('disabled').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('coupons', (t) => {
    t.dropColumn('disabled');
  });
}
