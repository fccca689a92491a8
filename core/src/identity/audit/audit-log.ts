import type { Knex } from 'knex';
import type { AuditEntry, Principal } from '@mpanel/sdk';

export interface AuditContext {
  tenantId: string;
  principal?: Principal | undefined;
  /** For events without a principal (a failed login): the email tried. */
  actorEmail?: string | null | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  requestId?: string | undefined;
  /** The staff user who opened the session ("log in as client"), kept in every entry's metadata. */
  impersonatedBy?: string | null | undefined;
}

const SECRET_KEYS = new Set(['password', 'password_hash', 'passwordHash', 'totp_secret', 'totp_pending_secret', 'key_hash', 'recovery_codes', 'token_hash', 'secret']);

/** Copies a record for before/after without secrets. */
export function redact(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) ? '[redacted]' : redact(v);
  return out;
}

/** Writes audit entries, in the caller's transaction (request writes) or on its own (auth events). */
export class AuditLog {
  constructor(private readonly knex: Knex) {}

  async write(context: AuditContext, entry: AuditEntry, db: Knex | Knex.Transaction = this.knex): Promise<void> {
    const p = context.principal;
    await db('audit_logs').insert({
      tenant_id: context.tenantId,
      actor_type: p ? p.kind : 'anonymous',
      actor_id: p ? (p.kind === 'apiKey' ? p.id : p.userId ?? p.id) : null,
      actor_email: p?.email ?? context.actorEmail ?? null,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
      after: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
      metadata: context.impersonatedBy
        ? JSON.stringify({ ...entry.metadata, impersonatedBy: context.impersonatedBy })
        : entry.metadata === undefined ? null : JSON.stringify(entry.metadata),
      ip: context.ip ?? null,
      user_agent: context.userAgent?.slice(0, 512) ?? null,
      request_id: context.requestId ?? null,
    });
  }
}
