import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BeforeDelete } from './target.ts';
import { auditRecord, jsonLine, type AuditRecord } from './audit-records.ts';

/**
 * RETENTION_AUDIT_ARCHIVE_DIR: expiring audit rows are appended to
 * `<dir>/<tenant id>/audit-logs-<YYYY-MM>.jsonl` (the month the entry was written; the export's
 * JSON lines) and flushed to disk before the batch is deleted. If writing fails the batch is not
 * deleted; if the process dies between the write and the commit, the next run writes those rows
 * again (at least once: the `id` of each line tells duplicates apart).
 */
export function auditArchiver(dir: string): BeforeDelete {
  return async (rows) => {
    const files = new Map<string, AuditRecord[]>();
    for (const row of rows) {
      const record = auditRecord(row);
      const file = join(dir, record.tenantId, `audit-logs-${record.createdAt.slice(0, 7)}.jsonl`);
      if (!files.has(file)) files.set(file, []);
      files.get(file)!.push(record);
    }
    // Every folder first: a tenant's folder that cannot be made fails the batch before any write.
    for (const file of files.keys()) await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    for (const [file, records] of files) {
      const handle = await open(file, 'a', 0o600);
      try {
        await handle.writeFile(records.map(jsonLine).join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  };
}
