import type { TenantDb } from '@mpanel/sdk';
import type { ImportMapping } from './matching.ts';

export interface ImportOptions {
  productId: string;
  planId: string;
  cycle: string;
  nextDueDate: string;
  createMissingClients: boolean;
  /** Country of clients the import creates (billing requires one). */
  country: string;
  mappings: ImportMapping[];
  /** Only these accounts (default: every account on the server). */
  usernames?: string[];
}

export interface ReportItem {
  username: string;
  outcome: 'imported' | 'skipped';
  clientId?: string;
  clientCreated?: boolean;
  matchedBy?: string;
  serviceId?: string;
  accountId?: string;
  reason?: string;
}

export interface ImportRow {
  id: string; tenant_id: string; server_id: string; status: 'queued' | 'running' | 'succeeded' | 'failed'; options: ImportOptions;
  total: number; processed: number; imported: number; matched: number; created: number; skipped: number;
  report: ReportItem[]; error: string | null; started_by: string | null; created_at: Date; updated_at: Date; finished_at: Date | null;
}

export const loadImport = async (db: TenantDb, id: string): Promise<ImportRow | undefined> =>
  (await db('hosting_imports').where('hosting_imports.id', id).first()) as ImportRow | undefined;

/** The API's view: counts and the report, camelCase. */
export function importView(row: ImportRow) {
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id, serverId: row.server_id, status: row.status, options: row.options,
    progress: { total: row.total, processed: row.processed },
    counts: { imported: row.imported, matched: row.matched, created: row.created, skipped: row.skipped },
    report: row.report, error: row.error, startedBy: row.started_by,
    createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), finishedAt: iso(row.finished_at),
  };
}
export type ImportView = ReturnType<typeof importView>;
