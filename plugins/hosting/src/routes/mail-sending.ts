import { UnauthorizedError, createTenantDb, ok, type PluginContext, type RouteDefinition } from '@mpanel/sdk';
import { loadAccount } from '../accounts/load.ts';
import { buildCall, loadCallParts, moduleOf, operationContext } from '../provisioning/account-call.ts';
import { idParams } from './common.ts';

/** Numbers an agent may report in a mailbox's observe detail (issue 18 §6). */
const COUNTERS = ['sentThisHour', 'sentToday', 'rejectedThisHour', 'usageMb', 'messages'] as const;

/**
 * Staff see what each mailbox of an account sent (the outgoing abuse limits): the module's
 * `resources.observe` of the account's mailboxes, asked live and outside any transaction (a slow
 * server holds no database connection). What the module does not report is null; `detail` is its
 * whole answer for the mailbox.
 */
export function mailSendingRoute(plugin: PluginContext): RouteDefinition {
  return {
    tags: ['hosting'],
    method: 'GET',
    path: '/api/v1/hosting-accounts/:id/mail-sending',
    permission: 'mailboxes.counters',
    schema: { params: idParams },
    transaction: false,
    handler: async (ctx) => {
      if (!ctx.tenant || !ctx.principal) throw new UnauthorizedError();
      const tenantId = ctx.tenant.id;
      const principal = ctx.principal;
      const loaded = await plugin.db.transaction(tenantId, async (trx) => {
        const db = createTenantDb(trx, tenantId);
        const account = await loadAccount(db, principal, (ctx.input.params as { id: string }).id);
        const boxes = (await db('mailboxes')
          .join('mail_domains', 'mail_domains.id', 'mailboxes.mail_domain_id')
          .where('mailboxes.account_id', account.id).whereIn('mailboxes.state', ['creating', 'active', 'suspended', 'failed'])
          .orderBy('mailboxes.created_at')
          .select('mailboxes.id', 'mailboxes.local_part', 'mailboxes.quota_mb', 'mailboxes.send_limit_per_hour', 'mail_domains.domain')) as Array<{ id: string; local_part: string; quota_mb: number; send_limit_per_hour: number | null; domain: string }>;
        return { account, boxes, parts: await loadCallParts(plugin, db, account.id) };
      });
      const rows = loaded.boxes.map((b) => ({ mailboxId: b.id, address: `${b.local_part}@${b.domain}`, quotaMb: b.quota_mb, sendLimitPerHour: b.send_limit_per_hour }));
      const empty = (note: string) => ok({ mailboxes: rows.map((r) => ({ ...r, observed: false, ...Object.fromEntries(COUNTERS.map((k) => [k, null])), detail: null })), note });
      if ('missing' in loaded.parts) return empty(`Not asked: ${loaded.parts.missing}`);
      if (!rows.length) return empty('The account has no mailboxes');
      const module = await moduleOf(plugin, tenantId, loaded.parts.server);
      if (!module.resources) return empty(`The ${module.displayName} module reports no mailboxes`);
      const settings = (await plugin.settings.get(tenantId).catch(() => ({}))) as Record<string, unknown>;
      const op = { id: `mail-sending:${loaded.account.id}`, action: 'reconcile', idempotency_key: `mail-sending:${loaded.account.id}:${ctx.requestId}` };
      const call = buildCall(plugin, loaded.parts, operationContext(op, 1, () => undefined), settings);
      const observed = await module.resources.observe(call, rows.map((r) => ({ kind: 'mailbox', id: r.mailboxId })));
      return ok({
        mailboxes: rows.map((r) => {
          const o = observed.find((x) => x.id === r.mailboxId);
          const detail = o?.detail ?? null;
          const counters = Object.fromEntries(COUNTERS.map((k) => [k, typeof detail?.[k] === 'number' ? detail[k] : null]));
          return { ...r, observed: o?.exists === true, ...counters, detail };
        }),
        note: null,
      });
    },
  };
}
