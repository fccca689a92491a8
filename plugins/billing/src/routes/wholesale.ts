import type { RouteDefinition } from '@mpanel/sdk';
import { currency, cycle, idParams, listQuery, listRoute, minor, objectBody, removeWith, route, uuid, type Plugin } from './common.ts';
import { productFields } from './catalogue.ts';
import { adoptOffer, createOffer, deleteOffer, getOffer, listOffers, listResellers, receivedOffers, updateOffer, type AdoptInput, type OfferInput } from '../services/wholesale-offers.ts';
import { createGroup, getGroup, listGroups, updateGroup, type GroupInput } from '../services/wholesale-groups.ts';
import { wholesaleReport } from '../services/wholesale-report.ts';
import { wholesaleInvoiceRoutes } from './wholesale-invoices.ts';

/** `{ "<cycle>": minor units }`; the keys are checked against the cycles (domain/wholesale.ts). */
const prices = { type: 'object', minProperties: 1, maxProperties: 7, propertyNames: cycle, additionalProperties: minor };
const offerFields = { productId: uuid, childTenantId: uuid, groupId: uuid, currency, prices, active: { type: 'boolean' } };
const groupFields = { name: { type: 'string', minLength: 1, maxLength: 200 }, memberTenantIds: { type: 'array', items: uuid, maxItems: 1000 } };
const { name, description, groupId, hidden, provisioning, options, pricing } = productFields;

/**
 * Wholesale: the parent's offers and reseller groups (`wholesale.manage`), the reseller's
 * catalogue of offers it received and adopting one (`wholesale.purchase`), and the parent's
 * report per reseller. Another tenant's offer or group is a 404, as is an offer not made to the
 * caller.
 */
export function wholesaleRoutes(plugin: Plugin): RouteDefinition[] {
  const tags = ['billing', 'wholesale'];
  return [
    listRoute(plugin, {
      method: 'GET', path: '/api/v1/wholesale-offers', permission: 'wholesale.manage', tags,
      schema: { query: listQuery({ productId: uuid, childTenantId: uuid }) },
    }, (b, q) => listOffers(b, q, { productId: q.productId as string | undefined, childTenantId: q.childTenantId as string | undefined })),
    route(plugin, {
      method: 'POST', path: '/api/v1/wholesale-offers', permission: 'wholesale.manage', successStatus: 201, tags,
      summary: 'Offer a product to one reseller sub-tenant or a reseller group at wholesale prices per cycle',
      schema: { body: objectBody(offerFields, ['productId', 'currency', 'prices']) },
    }, (b, ctx) => createOffer(b, ctx.input.body as OfferInput)),
    route(plugin, { method: 'GET', path: '/api/v1/wholesale-offers/:id', permission: 'wholesale.manage', tags, schema: { params: idParams } },
      (b, ctx) => getOffer(b, ctx.input.params.id)),
    route(plugin, {
      method: 'PATCH', path: '/api/v1/wholesale-offers/:id', permission: 'wholesale.manage', tags,
      schema: { params: idParams, body: { ...objectBody({ active: offerFields.active, prices }), minProperties: 1 } },
    }, (b, ctx) => updateOffer(b, ctx.input.params.id, ctx.input.body as { prices?: OfferInput['prices']; active?: boolean })),
    route(plugin, { method: 'DELETE', path: '/api/v1/wholesale-offers/:id', permission: 'wholesale.manage', tags, schema: { params: idParams } },
      removeWith(deleteOffer)),
    route(plugin, {
      method: 'POST', path: '/api/v1/wholesale-offers/:id/adopt', permission: 'wholesale.purchase', successStatus: 201, tags,
      summary: 'A reseller adds an offer it received to its own catalogue, at its own retail prices',
      schema: { params: idParams, body: objectBody({ name, description, groupId, hidden, provisioning, options, pricing: { ...pricing, minItems: 1 } }, ['pricing']) },
    }, (b, ctx) => adoptOffer(b, ctx.input.params.id, ctx.input.body as AdoptInput)),
    route(plugin, {
      method: 'GET', path: '/api/v1/wholesale/catalogue', permission: 'wholesale.purchase', tags,
      summary: 'The wholesale offers this reseller received from its parent',
    }, (b) => receivedOffers(b)),

    listRoute(plugin, { method: 'GET', path: '/api/v1/wholesale-groups', permission: 'wholesale.manage', tags, schema: { query: listQuery() } },
      (b, q) => listGroups(b, q)),
    route(plugin, {
      method: 'POST', path: '/api/v1/wholesale-groups', permission: 'wholesale.manage', successStatus: 201, tags,
      schema: { body: objectBody(groupFields, ['name', 'memberTenantIds']) },
    }, (b, ctx) => createGroup(b, ctx.input.body as GroupInput)),
    route(plugin, { method: 'GET', path: '/api/v1/wholesale-groups/:id', permission: 'wholesale.manage', tags, schema: { params: idParams } },
      (b, ctx) => getGroup(b, ctx.input.params.id)),
    route(plugin, {
      method: 'PATCH', path: '/api/v1/wholesale-groups/:id', permission: 'wholesale.manage', tags,
      schema: { params: idParams, body: { ...objectBody(groupFields), minProperties: 1 } },
    }, (b, ctx) => updateGroup(b, ctx.input.params.id, ctx.input.body as Partial<GroupInput>)),

    route(plugin, {
      method: 'GET', path: '/api/v1/wholesale/report', permission: 'wholesale.manage', tags,
      summary: 'Per reseller and currency: services, wholesale revenue, the reseller\'s retail revenue and margin in a month',
      schema: { query: { type: 'object', additionalProperties: false, properties: { month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } } } },
    }, (b, ctx) => wholesaleReport(b, (ctx.input.query as { month?: string }).month)),
    route(plugin, {
      method: 'GET', path: '/api/v1/wholesale/resellers', permission: 'wholesale.manage', tags,
      summary: 'This tenant\'s reseller sub-tenants, which an offer or a reseller group can name',
    }, (b) => listResellers(b)),
    ...wholesaleInvoiceRoutes(plugin),
  ];
}
