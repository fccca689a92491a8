import type { PluginContext } from '@mpanel/sdk';
import type { AiFeature } from './client.ts';
import { inTenant } from './tenant-trx.ts';

export interface AiAuditEntry {
  tenantId: string;
  userId: string | null;
  feature: AiFeature;
  subject?: { type: string; id: string };
  model: string;
  messages: unknown;
  answer?: string | null;
  error?: string | null;
}

/** Stores what was sent and what came back, for the tenant's audit; rows expire with the `ai.audit` retention target. */
export async function auditAi(ctx: PluginContext, e: AiAuditEntry): Promise<void> {
  await inTenant(ctx, e.tenantId, (trx) => trx('ai_audit').insert({
    tenant_id: e.tenantId, user_id: e.userId, feature: e.feature, subject_type: e.subject?.type ?? null, subject_id: e.subject?.id ?? null,
    model: e.model, messages: JSON.stringify(e.messages), answer: e.answer ?? null, error: e.error ?? null,
  }));
}
