import type { Knex } from 'knex';

export const ITEM_COUNT = 10_000;
/** One row in the middle of the table. */
export const ITEM_SKU = 'SKU-004242';
/** The one indexed SELECT every "public select" case does (pg placeholders). */
export const ITEM_SELECT = 'select id, sku, name, price_minor, currency from bench_items where sku = $1';

/** `bench_items`: 10 000 rows with a unique index on `sku`. Idempotent, so cases can share it. */
export async function ensureItems(knex: Knex): Promise<void> {
  await knex.raw(`create table if not exists bench_items (
    id uuid primary key default gen_random_uuid(),
    sku text not null unique,
    name text not null,
    price_minor integer not null,
    currency char(3) not null default 'EUR',
    created_at timestamptz not null default now()
  )`);
  await knex.raw(
    `insert into bench_items (sku, name, price_minor)
     select 'SKU-' || lpad(n::text, 6, '0'), 'Item ' || n, n * 100 from generate_series(1, ?) as n
     on conflict (sku) do nothing`,
    [ITEM_COUNT],
  );
  await knex.raw('analyze bench_items');
}
