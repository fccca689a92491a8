import type { Knex } from 'knex';
import type { Registry } from '../registry.ts';

export interface Channels {
  inApp: boolean;
  mail: boolean;
}

/** Until a user chooses: the type's defaults (an unregistered type: in-app only). */
export function defaultChannels(registry: Registry, type: string): Channels {
  return registry.types.get(type)?.defaults ?? { inApp: true, mail: false };
}

/** Each user's channels for one type. */
export async function channelsFor(db: Knex.Transaction, registry: Registry, type: string, userIds: string[]): Promise<Map<string, Channels>> {
  const rows = (await db('notification_preferences').whereIn('user_id', userIds).where({ type }).select('user_id', 'in_app', 'mail')) as Array<{ user_id: string; in_app: boolean; mail: boolean }>;
  const chosen = new Map(rows.map((r) => [r.user_id, { inApp: r.in_app, mail: r.mail }]));
  return new Map(userIds.map((id) => [id, chosen.get(id) ?? defaultChannels(registry, type)]));
}

export async function unreadCount(db: Knex.Transaction, userId: string): Promise<number> {
  const [row] = (await db('notifications').where({ user_id: userId }).whereNull('read_at').count({ n: '*' })) as Array<{ n: string | number }>;
  return Number(row?.n ?? 0);
}
