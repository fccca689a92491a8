import type { RouteDefinition } from '@mpanel/sdk';
import { can } from '@mpanel/sdk';
import { count, currency, cycle, idParams, listQuery, listRoute, minor, objectBody, route, uuid, type Plugin } from './common.ts';
import { createProduct, getProduct, listProducts, updateProduct, type ProductInput } from '../services/catalogue.ts';

const priceList = {
  type: 'array', maxItems: 50,
  items: objectBody({ currency, cycle, amount: minor, setupFee: minor }, ['currency', 'cycle', 'amount']),
};
const productType = { enum: ['hosting', 'domain', 'ssl', 'other'] };
export const productFields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  description: { type: ['string', 'null'], maxLength: 5000 },
  type: productType,
  groupId: { anyOf: [uuid, { type: 'null' }] },
  pricing: priceList,
  taxable: { type: 'boolean' },
  hidden: { type: 'boolean' },
  retired: { type: 'boolean' },
  stock: { ...count, type: ['integer', 'null'] },
  provisioning: {
    anyOf: [{ type: 'null' }, objectBody({ module: { type: 'string', minLength: 1, maxLength: 100 }, config: { type: 'object' } }, ['module'])],
  },
  options: {
    type: 'array', maxItems: 20,
    items: objectBody({
      key: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$', maxLength: 50 },
      label: { type: 'string', minLength: 1, maxLength: 100 },
      choices: {
        type: 'array', maxItems: 50,
        items: objectBody({ value: { type: 'string', minLength: 1, maxLength: 100 }, label: { type: 'string', maxLength: 100 }, prices: priceList }, ['value', 'label', 'prices']),
      },
    }, ['key', 'label', 'choices']),
  },
};

/** Staff with products.write see hidden and retired products; everyone else sees what is on sale. */
const onSaleOnly = (b: { principal: Parameters<typeof can>[0] | null }) => !can(b.principal ?? undefined, 'products.write');

export function productRoutes(plugin: Plugin): RouteDefinition[] {
  return [
    listRoute(plugin, {
      method: 'GET', path: '/api/v1/products', permission: 'products.read', schema: { query: listQuery({ type: productType }) },
    }, (b, q) => listProducts(b, q, { type: q.type as string | undefined, visibleOnly: onSaleOnly(b) })),
    route(plugin, {
      method: 'POST', path: '/api/v1/products', permission: 'products.write', successStatus: 201,
      schema: { body: objectBody(productFields, ['name', 'type', 'pricing']) },
    }, (b, ctx) => createProduct(b, ctx.input.body as ProductInput)),
    route(plugin, { method: 'GET', path: '/api/v1/products/:id', permission: 'products.read', schema: { params: idParams } },
      (b, ctx) => getProduct(b, ctx.input.params.id, onSaleOnly(b))),
    route(plugin, {
      method: 'PATCH', path: '/api/v1/products/:id', permission: 'products.write',
      schema: { params: idParams, body: { ...objectBody(productFields), minProperties: 1 } },
    }, (b, ctx) => updateProduct(b, ctx.input.params.id, ctx.input.body as Partial<ProductInput>)),
  ];
}
