import type { Knex } from 'knex';
import { applyTenantContext } from '../tenancy/context.ts';
import { csvLine } from './csv.ts';

export type ExportFormat = 'csv' | 'jsonl';

/** An audit row as exported and archived: the API's field names, timestamps in ISO 8601. */
export interface AuditRecord {
  id: string;
  tenantId: string;
  createdAt: string;
  actorType: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  metadata: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** The CSV columns, in order (JSON values as JSON text). */
export const AUDIT_COLUMNS: Array<keyof AuditRecord> = ['id', 'tenantId', 'createdAt', 'actorType', 'actorId', 'actorEmail', 'action', 'targetType', 'targetId', 'before', 'after', 'metadata', 'ip', 'userAgent', 'requestId'];

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());

export function auditRecord(row: Record<string, unknown>): AuditRecord {
  return {
    id: row.id as string, tenantId: row.tenant_id as string, createdAt: iso(row.created_at),
    actorType: row.actor_type as string, actorId: (row.actor_id ?? null) as string | null, actorEmail: (row.actor_email ?? null) as string | null,
    action: row.action as string, targetType: (row.target_type ?? null) as string | null, targetId: (row.target_id ?? null) as string | null,
    before: row.before ?? null, after: row.after ?? null, metadata: row.metadata ?? null,
    ip: (row.ip ?? null) as string | null, userAgent: (row.user_agent ?? null) as string | null, requestId: (row.request_id ?? null) as string | null,
  };
}

export function jsonLine(record: AuditRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export interface AuditRange {
  tenantId: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive; fixed when the export starts, so rows written meanwhile do not make it endless. */
  to: Date;
  pageSize?: number;
  /** Told the number of rows of each page as it is read (progress, counts). */
  onRows?: (count: number) => void;
}

/**
 * The tenant's audit rows in `[from, to)`, oldest first, as text lines of the format (a CSV
 * export starts with its header). Read page by page (keyset on created_at, id), each page in a
 * short transaction of its own as the app role with the tenant's context: row-level security
 * bounds it, and a slow reader never holds a connection (PGlite has only one) between pages.
 */
export async function* auditLines(appKnex: Knex, range: AuditRange, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(AUDIT_COLUMNS);
  const pageSize = range.pageSize ?? 1000;
  // The cursor keeps created_at as text: a Date has milliseconds, the column microseconds.
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const cursor = after;
    const rows = await appKnex.transaction(async (trx) => {
      await applyTenantContext(trx, range.tenantId);
      const query = trx('audit_logs').select('*', trx.raw('created_at::text AS cursor_at')).where('created_at', '<', range.to).orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(pageSize);
      if (range.from) query.where('created_at', '>=', range.from);
      if (cursor) query.whereRaw('(created_at, id) > (?::timestamptz, ?)', [cursor.createdAt, cursor.id]);
      return (await query) as Array<Record<string, unknown>>;
    });
    range.onRows?.(rows.length);
    let chunk = '';
    for (const row of rows) {
      const record = auditRecord(row);
      chunk += format === 'csv' ? csvLine(AUDIT_COLUMNS.map((c) => record[c])) : jsonLine(record);
    }
    if (chunk) yield chunk;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.cursor_at as string, id: last.id as string };
  }
}
