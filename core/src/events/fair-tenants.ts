import type { Knex } from 'knex';

/** Sorts before every real tenant id: the start of a round. */
const ROUND_START = '00000000-0000-0000-0000-000000000000';

/**
 * Which tenants to serve next, round-robin: the tenants with due deliveries after the last one
 * served (then from the start again), skipping those this instance is already serving, and the
 * platform's own deliveries (no tenant) first. Found by walking the `(tenant_id, next_attempt_at)`
 * index one tenant at a time (a skip scan), so its cost grows with the tenants asked for, not with
 * the backlog. Runs on the owner pool: it is the one step that sees every tenant, and it reads
 * no payload.
 */
export class FairTenants {
  /** The last tenant handed out; the next round starts after it. */
  private cursor = ROUND_START;

  constructor(private readonly knex: Knex) {}

  /** Up to `limit` tenants (null: the platform) with due deliveries, none of `busy`. */
  async next(limit: number, busy: ReadonlySet<string | null>): Promise<Array<string | null>> {
    if (limit <= 0) return [];
    const picked: Array<string | null> = [];
    if (!busy.has(null) && (await this.platformDue())) picked.push(null);
    const skip = [...busy].filter((t): t is string => t !== null);
    const after = await this.dueAfter(this.cursor, skip, limit - picked.length);
    // Wrapped around: the tenants before the cursor, once.
    const before = this.cursor !== ROUND_START && after.length < limit - picked.length ? await this.dueAfter(ROUND_START, [...skip, ...after], limit - picked.length - after.length) : [];
    const tenants = [...after, ...before];
    if (tenants.length) this.cursor = tenants[tenants.length - 1]!;
    return [...picked, ...tenants];
  }

  private async dueAfter(cursor: string, skip: string[], limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const { rows } = (await this.knex.raw(
      `WITH RECURSIVE t(tenant_id) AS (
         (SELECT tenant_id FROM event_deliveries WHERE status = 'pending' AND tenant_id > ?::uuid ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT d.tenant_id FROM event_deliveries d WHERE d.status = 'pending' AND d.tenant_id > t.tenant_id ORDER BY d.tenant_id LIMIT 1)
           FROM t WHERE t.tenant_id IS NOT NULL
       )
       SELECT t.tenant_id FROM t
        WHERE t.tenant_id IS NOT NULL AND t.tenant_id <> ALL(?::uuid[])
          AND EXISTS (SELECT 1 FROM event_deliveries d WHERE d.status = 'pending' AND d.tenant_id = t.tenant_id AND d.next_attempt_at <= now())
        LIMIT ?`,
      [cursor, skip, limit],
    )) as { rows: Array<{ tenant_id: string }> };
    return rows.map((r) => r.tenant_id);
  }

  private async platformDue(): Promise<boolean> {
    const { rows } = (await this.knex.raw(
      `SELECT EXISTS (SELECT 1 FROM event_deliveries WHERE status = 'pending' AND tenant_id IS NULL AND next_attempt_at <= now()) AS due`,
    )) as { rows: Array<{ due: boolean }> };
    return rows[0]!.due;
  }
}
