import type { Knex } from 'knex';
import type { MailTemplateParts } from '@mpanel/sdk';

export interface StoredTemplate extends MailTemplateParts {
  key: string;
  language: string;
  updatedAt: Date;
}

const COLUMNS = ['key', 'language', 'subject', 'html', 'text', 'updated_at as updatedAt'];

/** The tenant's edits (row-level security scopes every query to the transaction's tenant). */
export function tenantEdits(db: Knex.Transaction, key: string, languages?: string[]): Promise<StoredTemplate[]> {
  const q = db('notification_templates').where({ key }).select(COLUMNS);
  if (languages) void q.whereIn('language', languages);
  return q as unknown as Promise<StoredTemplate[]>;
}

export async function saveEdit(db: Knex.Transaction, tenantId: string, key: string, language: string, parts: MailTemplateParts, userId: string | null): Promise<void> {
  await db('notification_templates')
    .insert({ tenant_id: tenantId, key, language, ...parts, updated_by: userId })
    .onConflict(['tenant_id', 'key', 'language'])
    .merge({ subject: parts.subject, html: parts.html, text: parts.text, updated_by: userId, updated_at: db.fn.now() });
}

/** Reset to default: the edit goes, the registered default shows again. */
export async function deleteEdit(db: Knex.Transaction, key: string, language: string): Promise<boolean> {
  return (await db('notification_templates').where({ key, language }).delete()) > 0;
}
