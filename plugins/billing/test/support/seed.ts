import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * `count` active monthly services of `clients` clients, all due on `dueDate`, written with plain
 * SQL as the table owner (fast; the billing run is what is under test).
 */
export async function seedDueServices(h: { knex: Knex }, tenantId: string, count: number, dueDate: string, anchorDay: number, clients = 10): Promise<void> {
  const productId = randomUUID();
  await h.knex('products').insert({ id: productId, tenant_id: tenantId, name: 'Hosting', type: 'hosting', taxable: true });
  await h.knex.raw(
    `INSERT INTO clients (tenant_id, email, first_name, last_name, country, currency)
     SELECT ?, 'c' || g || '-' || ? || '@example.test', 'Client', g::text, 'US', 'USD' FROM generate_series(1, ?) g`,
    [tenantId, tenantId, clients],
  );
  await h.knex.raw(
    `WITH c AS (SELECT array_agg(id ORDER BY id) AS ids FROM clients WHERE tenant_id = ?)
     INSERT INTO services (tenant_id, client_id, product_id, status, cycle, currency, amount, registration_date, anchor_day, next_due_date)
     SELECT ?, c.ids[1 + g % array_length(c.ids, 1)], ?, 'active', 'monthly', 'USD', 1000 + (g % 7), ?::date - 30, ?, ?::date
       FROM generate_series(1, ?) g, c`,
    [tenantId, tenantId, productId, dueDate, anchorDay, dueDate, count],
  );
}
