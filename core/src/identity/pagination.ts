import type { Knex } from 'knex';
import { list, type ListMeta } from '@mpanel/sdk';
import { pageOf } from './serialize.ts';

/**
 * One round trip for a page and its total: `count(*) over ()` rides along with the rows. (An
 * empty page past the end reports total 0; clients page from the first answer's total.)
 */
export async function paginate<T extends Record<string, unknown>>(
  query: Knex.QueryBuilder,
  pageQuery: { page?: number; perPage?: number },
  map: (row: T) => unknown,
): Promise<{ data: unknown[]; meta: ListMeta }> {
  const { page, perPage, offset } = pageOf(pageQuery);
  const rows = (await query.select(query.client.raw('count(*) over () as __total')).limit(perPage).offset(offset)) as Array<T & { __total: number }>;
  const total = rows[0] ? Number(rows[0].__total) : 0;
  return list(rows.map(({ __total: _total, ...row }) => map(row as unknown as T)), { total, page, perPage });
}
