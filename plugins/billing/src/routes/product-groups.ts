import type { RouteDefinition } from '@mpanel/sdk';
import { can } from '@mpanel/sdk';
import { idParams as pathId, listQuery, listRoute, objectBody, removeWith, route, type Plugin } from './common.ts';
import type { Billing } from '../context.ts';
import {
  createProductGroup, deleteProductGroup, getProductGroup, listProductGroups, updateProductGroup, type ProductGroupInput,
} from '../services/product-groups.ts';

const idParams = { ...pathId, additionalProperties: false };

const fields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  description: { type: ['string', 'null'], maxLength: 5000 },
  sortOrder: { type: 'integer', minimum: -1_000_000, maximum: 1_000_000 },
  hidden: { type: 'boolean' },
};

/** Hidden groups are for catalogue editors only, like hidden products. */
const visibleOnly = (b: Billing) => !can(b.principal ?? undefined, 'products.write');

export function productGroupRoutes(plugin: Plugin): RouteDefinition[] {
  return [
    listRoute(plugin, { method: 'GET', path: '/api/v1/product-groups', permission: 'products.read', schema: { query: listQuery() } },
      (b, q) => listProductGroups(b, q, visibleOnly(b))),
    route(plugin, {
      method: 'POST', path: '/api/v1/product-groups', permission: 'products.write', successStatus: 201,
      schema: { body: objectBody(fields, ['name']) },
    }, (b, ctx) => createProductGroup(b, ctx.input.body as ProductGroupInput)),
    route(plugin, { method: 'GET', path: '/api/v1/product-groups/:id', permission: 'products.read', schema: { params: idParams } },
      (b, ctx) => getProductGroup(b, ctx.input.params.id, visibleOnly(b))),
    route(plugin, {
      method: 'PATCH', path: '/api/v1/product-groups/:id', permission: 'products.write',
      schema: { params: idParams, body: { ...objectBody(fields), minProperties: 1 } },
    }, (b, ctx) => updateProductGroup(b, ctx.input.params.id, ctx.input.body as Partial<ProductGroupInput>)),
    route(plugin, { method: 'DELETE', path: '/api/v1/product-groups/:id', permission: 'products.write', schema: { params: idParams } },
      removeWith(deleteProductGroup)),
  ];
}
