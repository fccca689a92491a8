import { NotFoundError, ok, paginationQuery } from '@mpanel/sdk';
import { type CoreRouteDefinition as RouteDefinition } from '../http/api-context.ts';
import type { RootContainer } from '../container.ts';
import { requestTenant, requestTrx } from '../plugins/routes.ts';
import { assertWebhookUrl } from './ssrf-guard.ts';

const uuidParams = { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, deliveryId: { type: 'string', format: 'uuid' } } };
const eventList = { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(\\*|[a-z][a-zA-Z0-9-]*(\\.[a-zA-Z][a-zA-Z0-9-]*)+)$' } };

function view(r: Record<string, unknown>) {
  return { id: r.id, url: r.url, events: r.events, description: r.description ?? null, active: r.active, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** `/api/v1/webhooks`: a tenant's outgoing webhook subscriptions and their delivery log. Row-level security scopes every query. */
export function webhookRoutes(container: RootContainer): RouteDefinition[] {
  const { webhooks, config } = container.cradle;
  const find = async (trx: ReturnType<typeof requestTrx>, id: string) => {
    const row = (await trx('webhooks').where({ id }).first()) as Record<string, unknown> | undefined;
    if (!row) throw new NotFoundError('Webhook not found');
    return row;
  };
  return [
    {
      method: 'GET', path: '/api/v1/webhooks', permission: 'webhooks.read', tags: ['webhooks'], summary: 'Outgoing webhook subscriptions',
      schema: { query: { type: 'object', properties: { ...paginationQuery } } },
      handler: async (ctx) => {
        const { page, perPage } = ctx.input.query as { page: number; perPage: number };
        const trx = requestTrx(ctx);
        const [{ total }] = (await trx('webhooks').count({ total: '*' })) as [{ total: number }];
        const rows = await trx('webhooks').orderBy('created_at').limit(perPage).offset((page - 1) * perPage);
        return { data: rows.map(view), meta: { total: Number(total), page, perPage } };
      },
    },
    {
      method: 'POST', path: '/api/v1/webhooks', permission: 'webhooks.manage', tags: ['webhooks'], successStatus: 201,
      summary: 'Subscribes a URL to events; the signing secret is shown once',
      schema: { body: { type: 'object', required: ['url', 'events'], additionalProperties: false, properties: { url: { type: 'string', maxLength: 2000 }, events: eventList, description: { type: 'string', maxLength: 500 } } } },
      handler: async (ctx) => {
        const body = ctx.input.body as { url: string; events: string[]; description?: string };
        await assertWebhookUrl(body.url, config.allowPrivateTargets);
        const secret = webhooks.newSecret(requestTenant(ctx));
        const [row] = await requestTrx(ctx)('webhooks')
          .insert({ tenant_id: requestTenant(ctx), url: body.url, events: JSON.stringify(body.events), description: body.description ?? null, secret: secret.sealed })
          .returning('*');
        return ok({ ...view(row), secret: secret.plain });
      },
    },
    {
      method: 'GET', path: '/api/v1/webhooks/:id', permission: 'webhooks.read', tags: ['webhooks'], schema: { params: uuidParams },
      handler: async (ctx) => ok(view(await find(requestTrx(ctx), (ctx.input.params as { id: string }).id))),
    },
    {
      method: 'PATCH', path: '/api/v1/webhooks/:id', permission: 'webhooks.manage', tags: ['webhooks'],
      schema: { params: uuidParams, body: { type: 'object', additionalProperties: false, properties: { url: { type: 'string', maxLength: 2000 }, events: eventList, description: { type: 'string', maxLength: 500 }, active: { type: 'boolean' } } } },
      handler: async (ctx) => {
        const trx = requestTrx(ctx);
        const { id } = ctx.input.params as { id: string };
        await find(trx, id);
        const body = ctx.input.body as { url?: string; events?: string[]; description?: string; active?: boolean };
        if (body.url !== undefined) await assertWebhookUrl(body.url, config.allowPrivateTargets);
        const changes: Record<string, unknown> = { updated_at: new Date() };
        if (body.url !== undefined) changes.url = body.url;
        if (body.events !== undefined) changes.events = JSON.stringify(body.events);
        if (body.description !== undefined) changes.description = body.description;
        if (body.active !== undefined) changes.active = body.active;
        const [row] = await trx('webhooks').where({ id }).update(changes).returning('*');
        return ok(view(row));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/webhooks/:id', permission: 'webhooks.manage', tags: ['webhooks'], schema: { params: uuidParams },
      handler: async (ctx) => {
        const n = await requestTrx(ctx)('webhooks').where({ id: (ctx.input.params as { id: string }).id }).delete();
        if (!n) throw new NotFoundError('Webhook not found');
        ctx.status = 204;
        ctx.body = null;
      },
    },
    {
      method: 'GET', path: '/api/v1/webhooks/:id/deliveries', permission: 'webhooks.read', tags: ['webhooks'], summary: 'The delivery log of a webhook',
      schema: { params: uuidParams, query: { type: 'object', properties: { ...paginationQuery, status: { enum: ['pending', 'succeeded', 'failed'] } } } },
      handler: async (ctx) => {
        const trx = requestTrx(ctx);
        const { id } = ctx.input.params as { id: string };
        await find(trx, id);
        const { page, perPage, status } = ctx.input.query as { page: number; perPage: number; status?: string };
        const q = () => (status ? trx('webhook_deliveries').where({ webhook_id: id, status }) : trx('webhook_deliveries').where({ webhook_id: id }));
        const [{ total }] = (await q().count({ total: '*' })) as [{ total: number }];
        const rows = await q().orderBy('created_at', 'desc').limit(perPage).offset((page - 1) * perPage);
        const data = rows.map((r: Record<string, unknown>) => ({
          id: r.id, eventId: r.event_id, event: r.event_name, status: r.status, attempts: r.attempts, responseStatus: r.response_status,
          responseBody: r.response_body, lastError: r.last_error, nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null, deliveredAt: r.delivered_at, createdAt: r.created_at,
        }));
        return { data, meta: { total: Number(total), page, perPage } };
      },
    },
    {
      method: 'POST', path: '/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver', permission: 'webhooks.manage', tags: ['webhooks'], summary: 'Sends a delivery again now',
      schema: { params: uuidParams },
      handler: async (ctx) => {
        const trx = requestTrx(ctx);
        const { id, deliveryId } = ctx.input.params as { id: string; deliveryId: string };
        const n = await trx('webhook_deliveries').where({ id: deliveryId, webhook_id: id }).update({ status: 'pending', next_attempt_at: new Date(), updated_at: new Date() });
        if (!n) throw new NotFoundError('Delivery not found');
        (ctx.state.afterCommit as Array<() => void>).push(() => webhooks.loop.wake());
        return ok({ id: deliveryId, status: 'pending' });
      },
    },
  ];
}
