import type { Knex } from 'knex';

/** One md5 per table of the public schema over all its rows (in a stable order): equal maps, equal data. */
export async function digestTables(knex: Knex): Promise<Map<string, string>> {
  const { rows } = (await knex.raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)) as { rows: Array<{ table_name: string }> };
  const digests = new Map<string, string>();
  for (const { table_name: table } of rows) {
    const { rows: [row] } = (await knex.raw(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h, count(*) AS n FROM ?? t`, [table])) as { rows: Array<{ h: string; n: number }> };
    digests.set(table, `${row!.n}:${row!.h}`);
  }
  return digests;
}
