import type { RouteDefinition } from '@mpanel/sdk';
import { cycle, idParams, listQuery, listRoute, objectBody, route, uuid, type Plugin } from './common.ts';
import {
  cancelService, getServiceRow, listServices, suspendService, terminateService, toService, unsuspendService, upgradeService,
} from '../services/services.ts';
import type { BillingCycle } from '../domain/cycles.ts';

const status = { enum: ['pending', 'active', 'suspended', 'terminated', 'cancelled'] };

export function serviceRoutes(plugin: Plugin): RouteDefinition[] {
  const action = (name: string, permission: string, body: Record<string, unknown> | undefined, run: Parameters<typeof route>[2]) =>
    route(plugin, { method: 'POST', path: `/api/v1/services/:id/${name}`, permission, schema: { params: idParams, ...(body ? { body } : {}) } }, run);
  return [
    listRoute(plugin, {
      method: 'GET', path: '/api/v1/services', permission: 'services.read', schema: { query: listQuery({ status, clientId: uuid }) },
    }, (b, q) => listServices(b, q, { status: q.status as string | undefined, clientId: q.clientId as string | undefined })),
    route(plugin, { method: 'GET', path: '/api/v1/services/:id', permission: 'services.read', schema: { params: idParams } },
      async (b, ctx) => toService(await getServiceRow(b, ctx.input.params.id))),
    action('suspend', 'services.suspend', objectBody({ reason: { type: 'string', maxLength: 200 } }),
      (b, ctx) => suspendService(b, ctx.input.params.id, (ctx.input.body as { reason?: string } | undefined)?.reason ?? 'manual')),
    action('unsuspend', 'services.suspend', undefined, (b, ctx) => unsuspendService(b, ctx.input.params.id)),
    action('terminate', 'services.terminate', undefined, (b, ctx) => terminateService(b, ctx.input.params.id)),
    action('cancel', 'services.cancel', objectBody({ type: { enum: ['immediate', 'end_of_period'] } }, ['type']),
      (b, ctx) => cancelService(b, ctx.input.params.id, (ctx.input.body as { type: 'immediate' | 'end_of_period' }).type)),
    action('upgrade', 'services.upgrade',
      objectBody({ productId: uuid, cycle, config: { type: 'object', additionalProperties: { type: 'string' } } }, ['productId', 'cycle']),
      (b, ctx) => upgradeService(b, ctx.input.params.id, ctx.input.body as { productId: string; cycle: BillingCycle; config?: Record<string, string> })),
  ];
}
