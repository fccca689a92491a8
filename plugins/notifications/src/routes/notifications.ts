import { NotFoundError, UnauthorizedError, list, ok, paginationQuery, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import type { Registry } from '../registry.ts';
import { LANGUAGE } from '../registry.ts';
import { defaultChannels, unreadCount } from '../notify/preferences.ts';
import { UNREAD_EVENT } from '../notify/notify.ts';

type Ctx = RouteContext<{ id: string }, Record<string, unknown>, Record<string, unknown>>;

/** Notifications are personal: every route acts on the caller's own rows only. */
function me(c: Ctx): string {
  const id = c.principal?.userId;
  if (!id) throw new UnauthorizedError('Notifications belong to a user');
  return id;
}

const COLUMNS = ['id', 'type', 'title', 'body', 'link', 'data', 'read_at as readAt', 'created_at as createdAt'];
const channels = { type: 'object', additionalProperties: false, required: ['inApp', 'mail'], properties: { inApp: { type: 'boolean' }, mail: { type: 'boolean' } } } as const;

/** `/api/v1/notifications`: the bell's list and unread count, marking read, and preferences. */
export function notificationRoutes(ctx: PluginContext, registry: Registry): RouteDefinition[] {
  const tags = ['notifications'];
  const pushCount = async (c: Ctx, userId: string) => ctx.realtime.toUser(userId).emit(UNREAD_EVENT, { count: await unreadCount(c.db, userId) });
  return [
    {
      method: 'GET', path: '/api/v1/notifications', permission: 'notifications.read', tags, summary: 'The caller\'s notifications, newest first',
      schema: { query: { type: 'object', additionalProperties: false, properties: { ...paginationQuery, unread: { type: 'boolean' } } } },
      handler: async (c: Ctx) => {
        const q = c.query as { page: number; perPage: number; unread?: boolean };
        const base = c.db('notifications').where({ user_id: me(c) });
        if (q.unread) void base.whereNull('read_at');
        const [count] = (await base.clone().count({ n: '*' })) as Array<{ n: string }>;
        const rows = await base.select(COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(q.perPage).offset((q.page - 1) * q.perPage);
        return list(rows, { total: Number(count!.n), page: q.page, perPage: q.perPage });
      },
    },
    {
      method: 'GET', path: '/api/v1/notifications/unread-count', permission: 'notifications.read', tags, summary: 'How many of the caller\'s notifications are unread',
      handler: async (c: Ctx) => ok({ count: await unreadCount(c.db, me(c)) }),
    },
    {
      method: 'POST', path: '/api/v1/notifications/read-all', permission: 'notifications.read', tags, summary: 'Mark all of the caller\'s notifications read',
      handler: async (c: Ctx) => {
        const userId = me(c);
        const n = await c.db('notifications').where({ user_id: userId }).whereNull('read_at').update({ read_at: c.db.fn.now(), updated_at: c.db.fn.now() });
        await pushCount(c, userId);
        return ok({ marked: n });
      },
    },
    {
      method: 'POST', path: '/api/v1/notifications/:id/read', permission: 'notifications.read', tags, summary: 'Mark one notification read',
      schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } },
      handler: async (c: Ctx) => {
        const userId = me(c);
        const row = await c.db('notifications').where({ id: c.params.id, user_id: userId }).first('id', 'read_at');
        if (!row) throw new NotFoundError('Notification not found');
        if (!row.read_at) await c.db('notifications').where({ id: c.params.id }).update({ read_at: c.db.fn.now(), updated_at: c.db.fn.now() });
        await pushCount(c, userId);
        return ok({ id: c.params.id, read: true });
      },
    },
    {
      method: 'GET', path: '/api/v1/notifications/preferences', permission: 'notifications.read', tags, summary: 'The caller\'s channels per notification type, language and digest',
      handler: async (c: Ctx) => ok(await preferencesOf(c, registry, me(c))),
    },
    {
      method: 'PUT', path: '/api/v1/notifications/preferences', permission: 'notifications.read', tags, summary: 'Change the caller\'s channels, language or digest',
      schema: { body: { type: 'object', additionalProperties: false, properties: {
        types: { type: 'object', maxProperties: 200, propertyNames: { maxLength: 200 }, additionalProperties: channels },
        language: { anyOf: [{ type: 'string', pattern: LANGUAGE.source }, { type: 'null' }] },
        digest: { type: 'boolean' },
      } } },
      handler: async (c: Ctx) => {
        const userId = me(c);
        const b = c.body as { types?: Record<string, { inApp: boolean; mail: boolean }>; language?: string | null; digest?: boolean };
        for (const [type, ch] of Object.entries(b.types ?? {})) {
          await c.db('notification_preferences').insert({ tenant_id: c.tenant!.id, user_id: userId, type, in_app: ch.inApp, mail: ch.mail })
            .onConflict(['tenant_id', 'user_id', 'type']).merge({ in_app: ch.inApp, mail: ch.mail, updated_at: c.db.fn.now() });
        }
        if (b.language !== undefined || b.digest !== undefined) {
          const change = { ...(b.language !== undefined ? { language: b.language } : {}), ...(b.digest !== undefined ? { digest: b.digest } : {}) };
          await c.db('notification_user_settings').insert({ tenant_id: c.tenant!.id, user_id: userId, ...change }).onConflict(['user_id']).merge({ ...change, updated_at: c.db.fn.now() });
        }
        return ok(await preferencesOf(c, registry, userId));
      },
    },
  ];
}

async function preferencesOf(c: Ctx, registry: Registry, userId: string) {
  const rows = (await c.db('notification_preferences').where({ user_id: userId }).select('type', 'in_app', 'mail')) as Array<{ type: string; in_app: boolean; mail: boolean }>;
  const chosen = new Map(rows.map((r) => [r.type, { inApp: r.in_app, mail: r.mail }]));
  const settings = (await c.db('notification_user_settings').where({ user_id: userId }).first('language', 'digest')) as { language: string | null; digest: boolean } | undefined;
  const types = [...registry.types.values()].map((t) => ({ type: t.type, description: t.description, ...(chosen.get(t.type) ?? defaultChannels(registry, t.type)) }));
  return { types, language: settings?.language ?? null, digest: settings?.digest ?? false };
}
