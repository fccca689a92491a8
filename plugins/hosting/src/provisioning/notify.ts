import type { Knex } from 'knex';
import type { PluginContext } from '@mpanel/sdk';
import type { OpRow } from './operation-store.ts';

import { ATTENTION_PERMISSION } from './names.ts';

export { ATTENTION_PERMISSION };

const payloadOf = (op: OpRow) => ({
  operationId: op.id, action: op.action, subjectType: op.subject_type, subjectId: op.subject_id,
  accountId: op.account_id, serverId: op.server_id, attempt: op.attempt,
});

/**
 * An operation stopped for a person: `provisioning.failed` goes to the outbox in the operation's
 * transaction (subscribers and outgoing webhooks get it exactly when the state commits). The toast
 * is sent by `toastAttention` after the commit.
 */
export async function emitFailed(plugin: PluginContext, trx: Knex.Transaction, op: OpRow): Promise<void> {
  await plugin.events.emit('provisioning.failed', { ...payloadOf(op), code: op.error_code, message: op.error_message }, { trx, tenantId: op.tenant_id });
}

export async function emitSucceeded(plugin: PluginContext, trx: Knex.Transaction, op: OpRow): Promise<void> {
  await plugin.events.emit('provisioning.succeeded', payloadOf(op), { trx, tenantId: op.tenant_id });
}

/** A realtime toast to the signed-in staff who can act on it (best effort: a push is not durable; the digest is). */
export function toastAttention(plugin: PluginContext, op: OpRow, label: string): void {
  plugin.realtime.toPermission(op.tenant_id, ATTENTION_PERMISSION).emit('notification', {
    severity: 'error',
    summary: `Provisioning needs attention: ${op.action} of ${label}`,
    detail: op.error_message ?? op.error_code ?? 'failed',
    operationId: op.id,
  });
}
