import { assertClientOwns, ConflictError, NotFoundError, ok, type PluginContext, type RouteDefinition } from '@mpanel/sdk';
import { loadOp, OPEN_STATUSES, tenantDb, updateOpenOp, type OpRow } from './operation-store.ts';
import { progressView } from './progress.ts';
import { checkAccount, checkServer } from './reconcile.ts';
import { startOperation } from './start.ts';
import { operationView } from './views.ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

/**
 * Retry and cancel of operations (the list and detail are the API's, routes/operations.ts), the portal's setup
 * progress, and the two entry points of reconciliation: "Verify & repair" on an account and
 * reconcile of a whole server. Reconciliation calls servers, so those two routes hold no
 * transaction while the module talks to the server.
 */
export function provisioningRoutes(plugin: PluginContext): RouteDefinition[] {
  const opOr404 = async (db: ReturnType<typeof tenantDb>, id: string, lock = false): Promise<OpRow> => {
    const op = await loadOp(db, id, lock);
    if (!op) throw new NotFoundError('Operation not found');
    return op;
  };
  /** These routes run outside the request transaction (they wait on servers): the 404 check has its own. */
  const requireOwnRow = async (tenantId: string, table: 'hosting_accounts' | 'servers', id: string, notFound: string) => {
    const row = await plugin.db.transaction(tenantId, async (trx) => tenantDb(trx, tenantId)(table).where(`${table}.id`, id).first('id'));
    if (!row) throw new NotFoundError(notFound);
  };

  return [
    {
      method: 'POST', path: '/api/v1/provisioning/operations/:id/retry', permission: 'provisioning.manage', summary: 'Run an operation that needs attention again (a fresh retry schedule)',
      schema: { params: idParams },
      handler: async (ctx) => {
        const db = tenantDb(ctx.db, ctx.tenant!.id);
        const op = await opOr404(db, ctx.params.id, true);
        if (op.status !== 'needs_attention') throw new ConflictError(`A ${op.status} operation cannot be retried`, { status: op.status });
        await updateOpenOp(db, op.id, { error_code: null, error_message: null, client_message: null, next_attempt_at: null });
        const row = await startOperation(db, op.id);
        return ok(operationView(row, true));
      },
    },
    {
      method: 'POST', path: '/api/v1/provisioning/operations/:id/cancel', permission: 'provisioning.manage', summary: 'Stop an open operation (a step running on the server finishes; nothing after it runs)',
      schema: { params: idParams },
      handler: async (ctx) => {
        const db = tenantDb(ctx.db, ctx.tenant!.id);
        const op = await opOr404(db, ctx.params.id, true);
        if (!OPEN_STATUSES.includes(op.status)) throw new ConflictError(`A ${op.status} operation cannot be cancelled`, { status: op.status });
        await updateOpenOp(db, op.id, { status: 'cancelled', finished_at: new Date(), next_attempt_at: null });
        if (op.action === 'create' && op.account_id) {
          await db('hosting_accounts').where('hosting_accounts.id', op.account_id).whereNotNull('setup_progress')
            .update({ setup_progress: db.trx.raw(`setup_progress || '{"failed":true}'::jsonb`), updated_at: db.trx.fn.now() });
        }
        return ok(operationView((await loadOp(db, op.id))!, true));
      },
    },
    {
      method: 'GET', path: '/api/v1/hosting-accounts/:id/progress', permission: 'hosting-accounts.read', summary: 'Setup progress for the portal ("step 3 of 6"), neutral on failure',
      schema: { params: idParams },
      handler: async (ctx) => {
        const db = tenantDb(ctx.db, ctx.tenant!.id);
        const account = (await db('hosting_accounts').where('hosting_accounts.id', ctx.params.id).first('id', 'client_id', 'setup_progress', 'observed_state')) as
          { id: string; client_id: string; setup_progress: Record<string, unknown> | null; observed_state: string | null } | undefined;
        if (!account) throw new NotFoundError('Hosting account not found');
        assertClientOwns(ctx.principal ?? undefined, account.client_id);
        return ok({ accountId: account.id, ...progressView(account.setup_progress, account.observed_state) });
      },
    },
    {
      method: 'POST', path: '/api/v1/hosting-accounts/:id/verify', permission: 'provisioning.manage', transaction: false, summary: 'Verify & repair: observe the account on its server, store drift, queue the fixes',
      schema: { params: idParams },
      handler: async (ctx) => {
        const tenantId = ctx.tenant!.id;
        await requireOwnRow(tenantId, 'hosting_accounts', ctx.params.id, 'Hosting account not found');
        return ok(await checkAccount(plugin, tenantId, ctx.params.id, true));
      },
    },
    {
      method: 'POST', path: '/api/v1/servers/:id/reconcile', permission: 'provisioning.manage', transaction: false, summary: 'Observe every account of a server now; repair drift by policy; list unknown accounts as importable',
      schema: { params: idParams },
      handler: async (ctx) => {
        const tenantId = ctx.tenant!.id;
        await requireOwnRow(tenantId, 'servers', ctx.params.id, 'Server not found');
        return ok(await checkServer(plugin, tenantId, ctx.params.id, false));
      },
    },
  ];
}
