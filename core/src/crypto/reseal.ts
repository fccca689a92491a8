import type { Knex } from 'knex';
import type { SecretBoxes, SecretBox, SealedAt } from './secret-box.ts';
import { secretField } from '../plugins/settings-store.ts';
import { WEBHOOK_SECRET_FIELD } from '../webhooks/webhook-service.ts';
import { TOTP_FIELD, TOTP_PENDING_FIELD } from '../identity/two-factor/totp.ts';

export interface ResealCounts {
  pluginSecrets: number;
  webhookSecrets: number;
  totpSecrets: number;
}

/** The value sealed under the current key, or undefined when it already is. */
function resealed(box: SecretBox, sealed: string | null, at: SealedAt): string | undefined {
  if (!sealed || box.isCurrent(sealed)) return undefined;
  return box.seal(box.open(sealed, at), at);
}

/**
 * Re-seals every stored secret (plugin settings, webhook signing secrets, TOTP secrets) of every
 * tenant under the keyring's current key, in one transaction: afterwards no value needs an older
 * key or the platform secret (v1 format). A value no key opens fails the whole run, changing nothing.
 */
export async function resealAll(knex: Knex, boxes: SecretBoxes): Promise<ResealCounts> {
  return knex.transaction(async (trx) => {
    const counts: ResealCounts = { pluginSecrets: 0, webhookSecrets: 0, totpSecrets: 0 };
    const settings = (await trx('plugin_settings').select('tenant_id', 'plugin_id', 'secrets').forUpdate()) as Array<{ tenant_id: string; plugin_id: string; secrets: Record<string, string> }>;
    for (const row of settings) {
      const secrets = { ...row.secrets };
      let changed = 0;
      for (const [k, sealed] of Object.entries(secrets)) {
        const next = resealed(boxes.pluginSecrets, sealed, { tenantId: row.tenant_id, field: secretField(row.plugin_id, k) });
        if (next) [secrets[k], changed] = [next, changed + 1];
      }
      if (!changed) continue;
      await trx('plugin_settings').where({ tenant_id: row.tenant_id, plugin_id: row.plugin_id }).update({ secrets: JSON.stringify(secrets) });
      counts.pluginSecrets += changed;
    }
    const hooks = (await trx('webhooks').select('id', 'tenant_id', 'secret').forUpdate()) as Array<{ id: string; tenant_id: string; secret: string }>;
    for (const hook of hooks) {
      const next = resealed(boxes.webhookSecrets, hook.secret, { tenantId: hook.tenant_id, field: WEBHOOK_SECRET_FIELD });
      if (!next) continue;
      await trx('webhooks').where({ id: hook.id }).update({ secret: next });
      counts.webhookSecrets++;
    }
    const users = (await trx('users').where((q) => q.whereNotNull('totp_secret').orWhereNotNull('totp_pending_secret')).select('id', 'tenant_id', 'totp_secret', 'totp_pending_secret').forUpdate()) as Array<{
      id: string; tenant_id: string; totp_secret: string | null; totp_pending_secret: string | null;
    }>;
    for (const user of users) {
      const secret = resealed(boxes.totpSecrets, user.totp_secret, { tenantId: user.tenant_id, field: TOTP_FIELD });
      const pending = resealed(boxes.totpSecrets, user.totp_pending_secret, { tenantId: user.tenant_id, field: TOTP_PENDING_FIELD });
      if (!secret && !pending) continue;
      await trx('users').where({ id: user.id }).update({ ...(secret ? { totp_secret: secret } : {}), ...(pending ? { totp_pending_secret: pending } : {}) });
      counts.totpSecrets += Number(Boolean(secret)) + Number(Boolean(pending));
    }
    return counts;
  });
}
