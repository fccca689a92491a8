import type { TestServer } from '../../src/testing/test-server.ts';

export const DAY_MS = 86_400_000;
export const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

type Row = Record<string, unknown>;

/** Inserts rows through the owner and answers their ids (uuid tables). */
export async function insert(server: TestServer, table: string, rows: Row[]): Promise<string[]> {
  const inserted = (await server.knex(table).insert(rows).returning('id')) as Array<{ id: string }>;
  return inserted.map((r) => r.id);
}

/** An outbox event of `tenantId` written `age` days ago, dispatched unless told otherwise. */
export function outboxEvent(tenantId: string | null, age: number, dispatched = true): Row {
  const at = daysAgo(age);
  return { tenant_id: tenantId, name: 'test.happened', source: 'core', payload: {}, created_at: at, dispatched_at: dispatched ? at : null };
}

/** An audit entry of `tenantId` written `age` days ago. */
export function auditEntry(tenantId: string, age: number, extra: Row = {}): Row {
  return { tenant_id: tenantId, actor_type: 'system', action: 'test.aged', created_at: daysAgo(age), ...extra };
}

/** Ids among `ids` still in the table. */
export async function remaining(server: TestServer, table: string, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = (await server.knex(table).whereIn('id', ids).select('id')) as Array<{ id: string }>;
  const kept = new Set(rows.map((r) => r.id));
  return ids.filter((id) => kept.has(id));
}
