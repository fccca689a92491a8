import type { Knex } from 'knex';

/**
 * A product may only sit in a group of its own tenant. The first schema's `products.group_id`
 * references `product_groups(id)` alone, and foreign keys ignore row-level security, so a group id
 * of another tenant would have been accepted. The key now spans (tenant_id, group_id), and RESTRICT
 * replaces SET NULL: a group that still holds products is not deleted (the API answers 409).
 */
export async function up(knex: Knex): Promise<void> {
  // Links that the old key let through across tenants were never valid: drop them before the new key.
  await knex.raw(`UPDATE products p SET group_id = NULL
    WHERE group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM product_groups g WHERE g.id = p.group_id AND g.tenant_id = p.tenant_id)`);
  await knex.raw('ALTER TABLE products DROP CONSTRAINT IF EXISTS products_group_id_foreign');
  await knex.raw('ALTER TABLE product_groups ADD CONSTRAINT product_groups_tenant_id_id_uniq UNIQUE (tenant_id, id)');
  await knex.raw(`ALTER TABLE products ADD CONSTRAINT products_tenant_group_fk FOREIGN KEY (tenant_id, group_id)
    REFERENCES product_groups (tenant_id, id) ON DELETE RESTRICT`);
  await knex.raw('CREATE INDEX products_tenant_group_idx ON products (tenant_id, group_id) WHERE group_id IS NOT NULL');
  await knex.raw('CREATE INDEX product_groups_tenant_order_idx ON product_groups (tenant_id, sort_order, name, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS product_groups_tenant_order_idx');
  await knex.raw('DROP INDEX IF EXISTS products_tenant_group_idx');
  await knex.raw('ALTER TABLE products DROP CONSTRAINT IF EXISTS products_tenant_group_fk');
  await knex.raw('ALTER TABLE product_groups DROP CONSTRAINT IF EXISTS product_groups_tenant_id_id_uniq');
  await knex.raw('ALTER TABLE products ADD CONSTRAINT products_group_id_foreign FOREIGN KEY (group_id) REFERENCES product_groups (id) ON DELETE SET NULL');
}
