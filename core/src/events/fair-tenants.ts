import type { Knex } from 'knex';
import { pendingOwners, ROUND_START } from './skip-scan.ts';

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
    const { rows } = (await this.knex.raw(
      `SELECT tenant_id FROM (
         SELECT NULL::uuid AS tenant_id WHERE ? AND ${due('IS NULL')}
         UNION ALL
         SELECT tenant_id FROM ${pendingOwners('event_deliveries', 'tenant_id', this.cursor)} a WHERE tenant_id <> ALL(?::uuid[]) AND ${due('= a.tenant_id')}
         UNION ALL
         SELECT tenant_id FROM ${pendingOwners('event_deliveries', 'tenant_id', ROUND_START)} b WHERE tenant_id <= ?::uuid AND tenant_id <> ALL(?::uuid[]) AND ${due('= b.tenant_id')}
       ) picked LIMIT ?`,
      [!busy.has(null), skip, this.cursor, skip, limit],
    )) as { rows: Array<{ tenant_id: string | null }> };
    const tenants = rows.map((r) => r.tenant_id);
    const last = tenants.filter((t): t is string => t !== null).pop();
    if (last) this.cursor = last;
    return tenants;
  }
}
