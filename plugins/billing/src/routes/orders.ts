import type { RouteDefinition } from '@mpanel/sdk';
import { cycle, idParams, listQuery, listRoute, objectBody, route, uuid, type Plugin } from './common.ts';
import { getOrder, listOrders, placeOrder, type OrderInput } from '../services/orders.ts';

const orderBody = objectBody({
  clientId: uuid,
  couponCode: { type: 'string', minLength: 1, maxLength: 50 },
  items: {
    type: 'array', minItems: 1, maxItems: 50,
    items: objectBody({
      productId: uuid,
      cycle,
      quantity: { type: 'integer', minimum: 1, maximum: 1000 },
      domain: { type: 'string', maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' },
      config: { type: 'object', additionalProperties: { type: 'string', maxLength: 100 }, maxProperties: 20 },
    }, ['productId', 'cycle']),
  },
}, ['items']);

export function orderRoutes(plugin: Plugin): RouteDefinition[] {
  return [
    route(plugin, {
      method: 'POST', path: '/api/v1/orders', permission: 'orders.create', successStatus: 201,
      summary: 'Place an order: services (pending) and one invoice; a client user orders for itself', schema: { body: orderBody },
    }, (b, ctx) => placeOrder(b, ctx.input.body as OrderInput)),
    listRoute(plugin, {
      method: 'GET', path: '/api/v1/orders', permission: 'orders.read',
      schema: { query: listQuery({ status: { enum: ['pending', 'accepted', 'cancelled', 'fraud'] }, clientId: uuid }) },
    }, (b, q) => listOrders(b, q, { status: q.status as string | undefined, clientId: q.clientId as string | undefined })),
    route(plugin, { method: 'GET', path: '/api/v1/orders/:id', permission: 'orders.read', schema: { params: idParams } },
      (b, ctx) => getOrder(b, ctx.input.params.id)),
  ];
}
