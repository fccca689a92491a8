import { isUuid } from '../tenancy/context.ts';

/** Sorts before every real UUID: the start of a round-robin round. */
export const ROUND_START = '00000000-0000-0000-0000-000000000000';

/**
 * A subquery listing, in order, the distinct `owner` values (tenant, endpoint) above `after` that
 * have pending rows in `table`: a recursive CTE making one probe of the `(owner, next_attempt_at)
 * WHERE status = 'pending'` index per value (a "skip scan"), so walking it costs what is read of
 * it, however large the backlog. Evaluated lazily: a LIMIT above it stops the walk.
 */
export function pendingOwners(table: 'event_deliveries' | 'webhook_deliveries', owner: 'tenant_id' | 'webhook_id', after: string): string {
  // Read from the database or ROUND_START; checked anyway, as it becomes a literal.
  if (!isUuid(after)) throw new Error('skip scan cursor must be a UUID');
  return `(
    WITH RECURSIVE o(${owner}) AS (
      (SELECT ${owner} FROM ${table} WHERE status = 'pending' AND ${owner} > '${after}'::uuid ORDER BY ${owner} LIMIT 1)
      UNION ALL
      SELECT (SELECT p.${owner} FROM ${table} p WHERE p.status = 'pending' AND p.${owner} > o.${owner} ORDER BY p.${owner} LIMIT 1)
        FROM o WHERE o.${owner} IS NOT NULL
    ) SELECT ${owner} FROM o WHERE ${owner} IS NOT NULL)`;
}
