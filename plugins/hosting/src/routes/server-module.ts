import {
  assertClientOwns, can, ConflictError, extensionPoints, list, ForbiddenError, HttpError, isClientScoped, NotFoundError, ok, UnauthorizedError,
  type PluginContext, type RouteDefinition,
} from '@mpanel/sdk';
import { buildCall, loadCallParts, operationContext } from '../provisioning/account-call.ts';
import { tenantDb } from '../provisioning/operation-store.ts';
import { serverModuleCall, within } from '../servers/module-call.ts';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
/** How long an interactive request waits for a panel. */
const INTERACTIVE_MS = 20_000;

/** A module's failure, answered as 502 with its message (the panel, not the request, failed). */
class PanelError extends HttpError {
  constructor(message: string, code?: string) {
    super(502, message, code ? { code } : undefined);
  }
}
const asPanelError = (err: unknown): never => {
  if (err instanceof HttpError) throw err;
  const e = err as { message?: string; code?: string };
  throw new PanelError(e.message ?? String(err), typeof e.code === 'string' ? e.code : undefined);
};

/**
 * Routes that ask a server's module something now, for any module (cPanel, Hestia, the agent):
 * test the connection, list the panel's packages (the plan editor offers them), and single sign-on
 * into the panel for an account. They hold no transaction while the server answers.
 */
export function serverModuleRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    {
      method: 'GET', path: '/api/v1/provisioning/modules', permission: 'servers.read', tags: ['hosting'],
      summary: 'The provisioning modules active for this tenant (the server form\'s type picker), with what each can do',
      handler: async () => {
        const modules = plugin.extensions.list(extensionPoints.provisioning)
          .map(({ key, impl }) => ({ id: key, displayName: impl.displayName, capabilities: impl.capabilities, listsPackages: typeof impl.listPackages === 'function', adminSso: typeof impl.adminSso === 'function' }))
          .sort((x, y) => x.displayName.localeCompare(y.displayName));
        return list(modules, { total: modules.length, page: 1, perPage: Math.max(modules.length, 1) });
      },
    },
    {
      method: 'POST', path: '/api/v1/servers/:id/test-connection', permission: 'servers.write', transaction: false, tags: ['hosting'],
      summary: 'Ask the server\'s module to reach the server with its credentials; records the facts it reports',
      schema: { params: idParams },
      handler: async (ctx) => {
        const tenantId = ctx.tenant!.id;
        const { server, module, call } = await serverModuleCall(plugin, tenantId, ctx.params.id);
        const result = await within(INTERACTIVE_MS, server.hostname, module.testConnection(call)).catch((err: Error) => ({ ok: false, message: err.message }) as Awaited<ReturnType<typeof module.testConnection>>);
        if (result.ok && result.facts) {
          await plugin.db.transaction(tenantId, (trx) => tenantDb(trx, tenantId)('servers').where('servers.id', server.id)
            .update({ facts: JSON.stringify({ ...(server.facts ?? {}), ...result.facts }), updated_at: trx.fn.now() }));
        }
        return ok({ ok: result.ok, message: result.message ?? null, version: result.version ?? null, testedAt: new Date().toISOString() });
      },
    },
    {
      method: 'GET', path: '/api/v1/servers/:id/packages', permission: 'servers.read', transaction: false, tags: ['hosting'],
      summary: 'The packages that exist on the server (cPanel, Hestia), for the plan editor',
      schema: { params: idParams },
      handler: async (ctx) => {
        const { server, module, call } = await serverModuleCall(plugin, ctx.tenant!.id, ctx.params.id);
        if (!module.listPackages) return ok({ supported: false, packages: [] });
        const packages = await within(INTERACTIVE_MS, server.hostname, module.listPackages(call)).catch(asPanelError);
        return ok({ supported: true, packages });
      },
    },
    {
      method: 'POST', path: '/api/v1/servers/:id/sso', permission: 'servers.write', transaction: false, tags: ['hosting'],
      summary: "A one-time login URL into the server's own admin panel (WHM as its API token's user), for staff; no account involved",
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, properties: {} } },
      handler: async (ctx) => {
        // servers.write is staff-only by default; a custom role that gives it to a client's user still gets no root login.
        if (!ctx.principal || isClientScoped(ctx.principal)) throw new ForbiddenError('Logging in to the server as admin is for staff');
        const { server, module, call } = await serverModuleCall(plugin, ctx.tenant!.id, ctx.params.id);
        if (!module.adminSso) throw new ConflictError(`The ${module.displayName} module offers no admin login to the server`);
        const result = await within(INTERACTIVE_MS, server.hostname, module.adminSso(call)).catch(asPanelError);
        return ok({ url: result.url, expiresAt: result.expiresAt ?? null, as: 'admin' });
      },
    },
    {
      method: 'POST', path: '/api/v1/hosting-accounts/:id/sso', permission: 'hosting-accounts.sso', transaction: false, tags: ['hosting'],
      summary: 'A one-time login URL into the account\'s control panel: as the account (client), or as admin on its server (staff with servers.write)',
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, properties: { as: { enum: ['client', 'admin'] } } } },
      handler: async (ctx) => {
        if (!ctx.principal) throw new UnauthorizedError();
        const tenantId = ctx.tenant!.id;
        const as = ((ctx.input.body as { as?: 'client' | 'admin' } | undefined)?.as) ?? 'client';
        if (as === 'admin' && (isClientScoped(ctx.principal) || !can(ctx.principal, 'servers.write'))) throw new ForbiddenError('Logging in to the server as admin needs servers.write');
        const parts = await plugin.db.transaction(tenantId, async (trx) => {
          const db = tenantDb(trx, tenantId);
          const account = (await db('hosting_accounts').where('hosting_accounts.id', ctx.params.id).first('id', 'client_id')) as { id: string; client_id: string } | undefined;
          if (!account) throw new NotFoundError('Hosting account not found');
          // Another client's account is a 404 like one that does not exist.
          assertClientOwns(ctx.principal ?? undefined, account.client_id);
          return loadCallParts(plugin, db, account.id);
        });
        if ('missing' in parts) throw new ConflictError(`No login is possible: ${parts.missing}`);
        if (parts.account.desired_state === 'terminated') throw new ConflictError('The hosting account is terminated');
        const { server } = parts;
        const { module } = await serverModuleCall(plugin, tenantId, server.id);
        if (!module.sso || !module.capabilities.sso) throw new ConflictError(`The ${server.module} module offers no single sign-on`);
        const settings = await plugin.settings.get(tenantId).catch(() => ({}));
        const call = buildCall(plugin, parts, operationContext({ id: `sso:${parts.account.id}`, action: 'reconcile', idempotency_key: `sso:${ctx.requestId}` }, 1, () => undefined), settings);
        const result = await within(INTERACTIVE_MS, server.hostname, module.sso(call, as)).catch(asPanelError);
        return ok({ url: result.url, expiresAt: result.expiresAt ?? null, as });
      },
    },
  ];
}
