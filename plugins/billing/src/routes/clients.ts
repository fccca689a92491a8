import type { RouteDefinition } from '@mpanel/sdk';
import { country, currency, idParams, listQuery, listRoute, objectBody, removeWith, route, type Plugin } from './common.ts';
import { createClient, deleteClient, getClient, listClients, updateClient, type ClientInput } from '../services/clients.ts';

const fields = {
  email: { type: 'string', format: 'email', maxLength: 254 },
  firstName: { type: 'string', minLength: 1, maxLength: 100 },
  lastName: { type: 'string', minLength: 1, maxLength: 100 },
  companyName: { type: ['string', 'null'], maxLength: 200 },
  country,
  state: { type: ['string', 'null'], maxLength: 50 },
  currency,
  taxId: { type: ['string', 'null'], maxLength: 50 },
  taxExempt: { type: 'boolean' },
  address: { type: 'object', additionalProperties: { type: 'string', maxLength: 200 }, maxProperties: 10 },
  notes: { type: ['string', 'null'], maxLength: 5000 },
  language: { type: ['string', 'null'], pattern: '^[a-z]{2}(-[A-Z]{2})?$' },
  status: { enum: ['active', 'inactive', 'closed'] },
};

export function clientRoutes(plugin: Plugin): RouteDefinition[] {
  return [
    listRoute(plugin, {
      method: 'GET', path: '/api/v1/clients', permission: 'clients.read', summary: 'List client accounts (a client user: its own)',
      schema: { query: listQuery({ search: { type: 'string', maxLength: 100 }, status: fields.status }) },
    }, (b, q) => listClients(b, q, { search: q.search as string | undefined, status: q.status as string | undefined })),
    route(plugin, {
      method: 'POST', path: '/api/v1/clients', permission: 'clients.write', successStatus: 201, summary: 'Create a client (with `password`: and its portal login)',
      schema: { body: objectBody({ ...fields, password: { type: 'string', minLength: 8, maxLength: 200 } }, ['email', 'firstName', 'lastName', 'country']) },
    }, (b, ctx) => createClient(b, ctx.input.body as ClientInput)),
    route(plugin, { method: 'GET', path: '/api/v1/clients/:id', permission: 'clients.read', schema: { params: idParams } },
      (b, ctx) => getClient(b, ctx.input.params.id)),
    route(plugin, {
      method: 'PATCH', path: '/api/v1/clients/:id', permission: 'clients.write',
      schema: { params: idParams, body: { ...objectBody(fields), minProperties: 1 } },
    }, (b, ctx) => updateClient(b, ctx.input.params.id, ctx.input.body as Partial<ClientInput>)),
    route(plugin, { method: 'DELETE', path: '/api/v1/clients/:id', permission: 'clients.delete', schema: { params: idParams } },
      removeWith(deleteClient)),
  ];
}

