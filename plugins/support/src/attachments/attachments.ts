import { createHash, randomUUID } from 'node:crypto';
import type { TenantDb } from '@mpanel/sdk';
import type { AttachmentRow } from '../tickets/model.ts';
import { checkFile, cleanFilename, safeContentType, type AttachmentLimits, type IncomingFile } from './policy.ts';
import type { BlobStore } from './store.ts';

/**
 * Checks every file first (one refused file refuses the message), then stores the bytes and
 * writes the rows. Bytes of a transaction that rolls back stay behind unreferenced: harmless, as
 * only a row makes them reachable.
 */
export async function saveAttachments(db: TenantDb, store: BlobStore, limits: AttachmentLimits, ticketId: string, messageId: string, files: IncomingFile[]): Promise<AttachmentRow[]> {
  for (const file of files) checkFile(file, limits);
  const rows: AttachmentRow[] = [];
  for (const file of files) {
    const filename = cleanFilename(file.filename);
    const key = `${db.tenantId}/${randomUUID()}`;
    await store.put(key, file.content);
    const [row] = await db.insert<AttachmentRow>('ticket_attachments', {
      ticket_id: ticketId, message_id: messageId, filename, content_type: safeContentType(filename), size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'), storage: store.kind, storage_key: key,
    });
    rows.push(row!);
  }
  return rows;
}

export const attachmentsOf = (db: TenantDb, ticketId: string): Promise<AttachmentRow[]> =>
  db('ticket_attachments').where({ ticket_id: ticketId }).orderBy('created_at').select<AttachmentRow[]>('*');
