import type { Knex } from 'knex';

/** Sorts before every real tenant id: the start of a round. */
const ROUND_START = '00000000-0000-0000-0000-000000000000';

/** The tenants with pending deliveries from `$start` on, one index probe each (a skip scan). */
const walkFrom = (start: string) => `(
  WITH RECURSIVE t(tenant_id) AS (
    (SELECT tenant_id FROM event_deliveries WHERE status = 'pending' AND tenant_id > '${start}'::uuid ORDER BY tenant_id LIMIT 1)
    UNION ALL
    SELECT (SELECT d.tenant_id FROM event_deliveries d WHERE d.status = 'pending' AND d.tenant_id > t.tenant_id ORDER BY d.tenant_id LIMIT 1)
      FROM t WHERE t.tenant_id IS NOT NULL
  ) SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL)`;

/**
 * Which tenants to serve next, round-robin: the platform's own deliveries (no tenant) first, then
 * the tenants with due deliveries after the last one served, then from the start again, skipping
 * those this instance is already serving. One statement: the branches of the UNION ALL run in
 * order and stop as soon as `limit` are found, so its cost grows with the tenants asked for, not
 * with the backlog. Runs on the owner pool: it is the one step that sees every tenant, and it
 * reads no payload.
 */
export class FairTenants {
  /** The last tenant handed out; the next round starts after it. */
  private cursor = ROUND_START;

  constructor(private readonly knex: Knex) {}

  /** Up to `limit` tenants (null: the platform) with due deliveries, none of `busy`. */
  async next(limit: number, busy: ReadonlySet<string | null>): Promise<Array<string | null>> {
    if (limit <= 0) return [];
    const skip = [...busy].filter((t): t is string => t !== null);
    const due = (column: string) => `EXISTS (SELECT 1 FROM event_deliveries d WHERE d.status = 'pending' AND d.tenant_id ${column} AND d.next_attempt_at <= now())`;
    // The cursor is a UUID this class read from the database, safe as a literal.
    const { rows } = (await this.knex.raw(
      `SELECT tenant_id FROM (
         SELECT NULL::uuid AS tenant_id, 0 AS branch WHERE ? AND ${due('IS NULL')}
         UNION ALL
         SELECT tenant_id, 1 FROM ${walkFrom(this.cursor)} a WHERE tenant_id <> ALL(?::uuid[]) AND ${due('= a.tenant_id')}
         UNION ALL
         SELECT tenant_id, 2 FROM ${walkFrom(ROUND_START)} b WHERE tenant_id <= ?::uuid AND tenant_id <> ALL(?::uuid[]) AND ${due('= b.tenant_id')}
       ) picked LIMIT ?`,
      [!busy.has(null), skip, this.cursor, skip, limit],
    )) as { rows: Array<{ tenant_id: string | null }> };
    const tenants = rows.map((r) => r.tenant_id);
    const last = tenants.filter((t): t is string => t !== null).pop();
    if (last) this.cursor = last;
    return tenants;
  }
}
