import {
  HttpError, NotFoundError, ProvisioningError, createTenantDb, list, ok,
  type PluginContext, type RouteContext, type RouteDefinition, type TenantDb,
} from '@mpanel/sdk';
import { loadServer } from '../provisioning/account-call.ts';
import { classify } from '../provisioning/failures.ts';
import { orConflict } from '../db.ts';
import { knownUsernames, propose, type ImportMapping } from './matching.ts';
import { remoteAccounts } from './remote.ts';
import { importView, loadImport, type ImportRow } from './store.ts';
import { billingOf, checkedOptions } from './options.ts';

export const IMPORT_JOB = 'hosting.import';
/** Importing writes clients and services: its own permission, apart from editing servers. */
export const IMPORT_PERMISSION = 'hosting-imports.run';
const STALE_AFTER_MS = 15 * 60_000;

const uuid = { type: 'string', format: 'uuid' } as const;
const serverParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const importParams = { type: 'object', required: ['id', 'importId'], properties: { id: uuid, importId: uuid } } as const;
const remoteName = { type: 'string', minLength: 1, maxLength: 64 } as const;
const mappings = {
  type: 'array', maxItems: 10_000,
  items: { type: 'object', additionalProperties: false, required: ['username'], properties: { username: remoteName, clientId: { type: ['string', 'null'], format: 'uuid' }, newClient: { type: 'boolean' }, skip: { type: 'boolean' } } },
} as const;
const CYCLES = ['onetime', 'monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially'];
const importBody = {
  type: 'object', additionalProperties: false, required: ['productId', 'nextDueDate'],
  properties: {
    productId: uuid,
    planId: uuid,
    cycle: { enum: CYCLES },
    nextDueDate: { type: 'string', format: 'date' },
    createMissingClients: { type: 'boolean' },
    country: { type: 'string', pattern: '^[A-Za-z]{2}$' },
    mappings,
    usernames: { type: 'array', maxItems: 10_000, items: remoteName },
  },
} as const;
const previewBody = { type: 'object', additionalProperties: false, properties: { createMissingClients: { type: 'boolean' }, mappings } } as const;

const tenantOf = (ctx: RouteContext) => ctx.tenant!.id;
const dbOf = (ctx: RouteContext): TenantDb => createTenantDb(ctx.db, ctx.tenant!.id);

/** A server of this tenant (own transaction: these routes wait on servers outside the request's). */
async function ownServerOr404(plugin: PluginContext, tenantId: string, id: string) {
  const server = await plugin.db.transaction(tenantId, async (trx) => loadServer(createTenantDb(trx, tenantId), id));
  if (!server) throw new NotFoundError('Server not found');
  return server;
}

/** A module failure as the API's answer: what the server said, as a 502 staff can act on. */
async function orBadGateway<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof ProvisioningError)) throw err;
    // UNSUPPORTED (no module, a module that cannot list) is the server's setup; the rest is the remote's answer.
    throw new HttpError(err.code === 'UNSUPPORTED' ? 409 : 502, classify(err).message, { code: err.code });
  }
}

/**
 * Import of the accounts a server already has (any module with `listAccounts`): a preview of the
 * mapping to clients, the import as a job with progress, its report. (Testing the connection and
 * listing packages are in routes/server-module.ts, for every module.)
 */
export function importRoutes(plugin: PluginContext): RouteDefinition[] {
  return [
    {
      method: 'POST', path: '/api/v1/servers/:id/imports/preview', permission: IMPORT_PERMISSION, transaction: false, tags: ['hosting'],
      summary: "The server's accounts and what an import would do with each (match a client, create one, skip)",
      schema: { params: serverParams, body: previewBody },
      handler: async (ctx) => {
        const tenantId = tenantOf(ctx);
        await ownServerOr404(plugin, tenantId, ctx.params.id);
        const { accounts } = await orBadGateway(() => remoteAccounts(plugin, tenantId, ctx.params.id));
        const body = ctx.input.body as { createMissingClients?: boolean; mappings?: ImportMapping[] };
        const byName = new Map((body.mappings ?? []).map((m) => [m.username, m]));
        const rows = await plugin.db.transaction(tenantId, async (trx) => {
          const db = createTenantDb(trx, tenantId);
          const billing = billingOf(plugin, db);
          const known = await knownUsernames(db, ctx.params.id);
          const out = [];
          for (const remote of accounts) {
            const mapping = byName.get(remote.username);
            out.push({ ...remote, proposal: await propose(db, billing, remote, { known, createMissingClients: body.createMissingClients ?? true, ...(mapping ? { mapping } : {}) }) });
          }
          return out;
        });
        const summary = { total: rows.length, match: 0, create: 0, skip: 0, none: 0 };
        for (const r of rows) summary[r.proposal.action]++;
        return ok({ serverId: ctx.params.id, summary, accounts: rows });
      },
    },
    {
      method: 'POST', path: '/api/v1/servers/:id/imports', permission: IMPORT_PERMISSION, successStatus: 202, tags: ['hosting'],
      summary: "Import the server's accounts as services with hosting accounts (no mail, no provisioning); runs as a job",
      schema: { params: serverParams, body: importBody },
      handler: async (ctx) => {
        const db = dbOf(ctx);
        const server = await loadServer(db, ctx.params.id);
        if (!server) throw new NotFoundError('Server not found');
        const options = await checkedOptions(plugin, db, ctx.input.body as Record<string, unknown>);
        // An import whose worker died stays open: after 15 minutes without progress it no longer blocks a new one.
        await db('hosting_imports').where('hosting_imports.server_id', server.id).whereIn('status', ['queued', 'running'])
          .where('updated_at', '<', new Date(Date.now() - STALE_AFTER_MS))
          .update({ status: 'failed', error: 'abandoned: no progress for 15 minutes', finished_at: new Date(), updated_at: db.trx.fn.now() });
        const [row] = await orConflict(db, 'An import of this server is already running', (sp) => sp.insert<ImportRow>('hosting_imports', {
          server_id: server.id, options: JSON.stringify(options), started_by: `${ctx.principal!.kind}:${ctx.principal!.id}`,
        }));
        await plugin.jobs.enqueue(IMPORT_JOB, { importId: row!.id }, { jobId: `${IMPORT_JOB}:${row!.id}`, tenantId: db.tenantId });
        return ok(importView(row!));
      },
    },
    {
      method: 'GET', path: '/api/v1/servers/:id/imports', permission: 'servers.read', tags: ['hosting'],
      summary: "The server's imports, newest first (counts; the report is on each import)",
      schema: { params: serverParams },
      handler: async (ctx) => {
        const db = dbOf(ctx);
        if (!(await loadServer(db, ctx.params.id))) throw new NotFoundError('Server not found');
        const rows = (await db('hosting_imports').where('hosting_imports.server_id', ctx.params.id).orderBy('created_at', 'desc').limit(50)) as ImportRow[];
        return list(rows.map((r) => ({ ...importView(r), report: undefined })), { total: rows.length, page: 1, perPage: 50 });
      },
    },
    {
      method: 'GET', path: '/api/v1/servers/:id/imports/:importId', permission: 'servers.read', tags: ['hosting'],
      summary: 'One import: status, progress, counts and the per-account report',
      schema: { params: importParams },
      handler: async (ctx) => {
        const row = await loadImport(dbOf(ctx), ctx.params.importId);
        if (!row || row.server_id !== ctx.params.id) throw new NotFoundError('Import not found');
        return ok(importView(row));
      },
    },
  ];
}
