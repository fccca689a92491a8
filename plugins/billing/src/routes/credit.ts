import type { RouteDefinition } from '@mpanel/sdk';
import { idParams as pathId, listQuery, type Plugin } from './common.ts';
import { billingOfRequest } from '../context.ts';
import { clientCredit } from '../services/credit-ledger.ts';

const idParams = { ...pathId, additionalProperties: false };

/** `GET /api/v1/clients/:id/credit` → `{ data: { balance, currency, balances, entries }, meta }`. */
export function creditRoutes(plugin: Plugin): RouteDefinition[] {
  return [{
    method: 'GET', path: '/api/v1/clients/:id/credit', permission: 'clients.read', tags: ['billing'],
    summary: 'A client\'s credit balance and ledger, newest entries first (a client user: its own)',
    schema: { params: idParams, query: listQuery() },
    handler: async (ctx) => {
      const q = ctx.input.query as { page: number; perPage: number };
      const { credit, total } = await clientCredit(await billingOfRequest(plugin, ctx), (ctx.input.params as { id: string }).id, q);
      return { data: credit, meta: { total, page: q.page, perPage: q.perPage } };
    },
  }];
}
