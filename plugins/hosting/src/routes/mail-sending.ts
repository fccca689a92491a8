import { UnauthorizedError, createTenantDb, ok, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { loadAccount } from '../accounts/load.ts';
import { buildCall, loadCallParts, moduleOf, operationContext } from '../provisioning/account-call.ts';
import { idParams } from './common.ts';

/** Numbers an agent may report in a mailbox's observe detail (issue 18 §6). */
const COUNTERS = ['sentThisHour', 'sentToday', 'rejectedThisHour', 'usageMb', 'messages'] as const;

interface MailboxRow { mailboxId: string; address: string; quotaMb: number; sendLimitPerHour: number | null }
type Observed = { detail: Record<string, unknown> | null; observed: boolean };

/**
 * The account's live mailboxes and what its server reports about each (`resources.observe`),
 * asked live and outside any transaction: a slow server holds no database connection. `note` says
 * why nothing was asked (no server yet, a module that reports no mailboxes).
 */
async function observeMailboxes(plugin: PluginContext, ctx: RouteContext): Promise<{ rows: Array<MailboxRow & Observed>; note: string | null }> {
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
  const none = (note: string) => ({ rows: rows.map((r) => ({ ...r, observed: false, detail: null })), note });
  if ('missing' in loaded.parts) return none(`Not asked: ${loaded.parts.missing}`);
  if (!rows.length) return none('The account has no mailboxes');
  const module = await moduleOf(plugin, tenantId, loaded.parts.server);
  if (!module.resources) return none(`The ${module.displayName} module reports no mailboxes`);
  const settings = (await plugin.settings.get(tenantId).catch(() => ({}))) as Record<string, unknown>;
  const op = { id: `mail-observe:${loaded.account.id}`, action: 'reconcile', idempotency_key: `mail-observe:${loaded.account.id}:${ctx.requestId}` };
  const call = buildCall(plugin, loaded.parts, operationContext(op, 1, () => undefined), settings);
  const observed = await module.resources.observe(call, rows.map((r) => ({ kind: 'mailbox', id: r.mailboxId })));
  return {
    rows: rows.map((r) => {
      const o = observed.find((x) => x.id === r.mailboxId);
      return { ...r, observed: o?.exists === true, detail: o?.detail ?? null };
    }),
    note: null,
  };
}

const num = (detail: Record<string, unknown> | null, key: string) => (typeof detail?.[key] === 'number' ? detail[key] : null);

/**
 * Staff see what each mailbox of an account sent (the outgoing abuse limits). What the module
 * does not report is null; `detail` is its whole answer for the mailbox.
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
      const { rows, note } = await observeMailboxes(plugin, ctx);
      return ok({
        mailboxes: rows.map(({ detail, ...r }) => ({ ...r, ...Object.fromEntries(COUNTERS.map((k) => [k, num(detail, k)])), detail })),
        note,
      });
    },
  };
}

/**
 * The storage each mailbox really uses, for the owner and staff (the portal's usage bars): read
 * from the server when asked rather than stored, because the agent measures the Maildir at that
 * moment, a stored copy would be stale right after the next delivery, and nothing else needs it.
 * `usageMb`/`usageBytes` are null when the server did not report them (`observed` false: not there).
 */
export function mailUsageRoute(plugin: PluginContext): RouteDefinition {
  return {
    tags: ['hosting'],
    method: 'GET',
    path: '/api/v1/hosting-accounts/:id/mail-usage',
    permission: 'mailboxes.read',
    schema: { params: idParams },
    transaction: false,
    handler: async (ctx) => {
      const { rows, note } = await observeMailboxes(plugin, ctx).catch((err: unknown) => {
        // A server that does not answer is no error of the page asking: usage unknown, said plainly
        // (the server's own words are for staff, in the operations and the mail-sending route).
        if ((err as { name?: string }).name !== 'ProvisioningError') throw err;
        return { rows: [], note: 'The server could not be asked for mailbox usage right now; try again later.' };
      });
      return ok({
        mailboxes: rows.map((r) => ({ mailboxId: r.mailboxId, address: r.address, quotaMb: r.quotaMb, observed: r.observed, usageMb: num(r.detail, 'usageMb'), usageBytes: num(r.detail, 'usageBytes') })),
        note,
      });
    },
  };
}
