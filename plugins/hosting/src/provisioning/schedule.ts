import { step, type PluginContext } from '@mpanel/sdk';
import { ATTENTION_PERMISSION } from './notify.ts';
import { checkServer } from './reconcile.ts';
import { tenantDb } from './operation-store.ts';

export const RECONCILE_WORKFLOW = 'reconcile-server';
export const RECONCILE_JOB = 'hosting.reconcile';
export const DIGEST_JOB = 'hosting.attention-digest';

/**
 * Hourly, per tenant: one reconcile run per server that is online (a durable workflow, one per
 * server at a time: a newer tick supersedes one still queued), and a mail digest of the
 * operations waiting for a person.
 */
export function registerSchedules(plugin: PluginContext): void {
  plugin.workflows.define<{ serverId: string }>({
    name: RECONCILE_WORKFLOW,
    attentionPermission: ATTENTION_PERMISSION,
    retry: { attempts: 3, backoffMs: 60_000, maxBackoffMs: 600_000 },
    steps: [step('observe-and-repair', {
      timeoutMs: 1_800_000,
      run: async (s) => {
        const result = await checkServer(plugin, s.tenantId, s.input.serverId, false);
        // The output is the run's summary: counts, not every account.
        return { accounts: result.accounts.length, drifted: result.accounts.filter((a) => a.drift.length).length, repairs: result.accounts.reduce((n, a) => n + a.repairs.length, 0), importable: result.importable.map((r) => r.username), missing: result.missing, error: result.error ?? null };
      },
    })],
  });

  plugin.jobs.define(RECONCILE_JOB, async () => {
    await plugin.forEachTenant(async (tenant) => {
      const servers = await tenant.transaction(async (trx) => tenantDb(trx, tenant.id)('servers').where('servers.status', 'online').pluck('servers.id')) as string[];
      for (const id of servers) await plugin.workflows.start(RECONCILE_WORKFLOW, { serverId: id }, { subject: `server:${id}`, supersede: true, tenantId: tenant.id });
    });
  }, { attempts: 3 });
  plugin.jobs.schedule(RECONCILE_JOB, '17 * * * *', { tenantId: null });

  plugin.jobs.define(DIGEST_JOB, async () => {
    const hour = new Date().toISOString().slice(0, 13);
    await plugin.forEachTenant(async (tenant) => {
      const to = digestRecipients(await plugin.settings.get(tenant.id).catch(() => ({})));
      if (!to.length) return;
      const open = await tenant.transaction(async (trx) => tenantDb(trx, tenant.id)('provisioning_operations').where('provisioning_operations.status', 'needs_attention')
        .orderBy('updated_at', 'desc').limit(50).select('id', 'action', 'error_code', 'error_message', 'updated_at')) as Array<{ id: string; action: string; error_code: string | null; error_message: string | null }>;
      if (!open.length) return;
      await plugin.mail.send({
        to, subject: `${open.length} provisioning operation${open.length === 1 ? '' : 's'} need${open.length === 1 ? 's' : ''} attention`,
        text: `These operations stopped and wait for a person (Provisioning page, filter "needs attention"):\n\n${open.map((o) => `- ${o.action} (${o.id}): ${o.error_code ?? ''} ${o.error_message ?? ''}`).join('\n')}\n`,
        idempotencyKey: `hosting:attention-digest:${hour}`,
      }, { tenantId: tenant.id });
    });
  }, { attempts: 3 });
  plugin.jobs.schedule(DIGEST_JOB, '5 * * * *', { tenantId: null });
}

/** The setting `attentionDigestTo`: addresses separated by commas (none: no digest). */
export function digestRecipients(settings: Record<string, unknown>): string[] {
  const raw = settings.attentionDigestTo;
  return typeof raw === 'string' ? raw.split(',').map((a) => a.trim()).filter((a) => /^[^@\s]+@[^@\s]+$/.test(a)).slice(0, 20) : [];
}
