import type { TenantDb } from '@mpanel/sdk';

/** The tenant's next ticket number: one counter row, incremented under its row lock (no two tickets share one). */
export async function nextTicketNumber(db: TenantDb): Promise<number> {
  const res = await db.trx.raw(
    'INSERT INTO ticket_counters (tenant_id, value) VALUES (?, 1) ON CONFLICT (tenant_id) DO UPDATE SET value = ticket_counters.value + 1 RETURNING value',
    [db.tenantId],
  );
  return Number((res.rows as Array<{ value: number }>)[0]!.value);
}
