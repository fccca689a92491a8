import { isClientScoped, type Principal } from '@mpanel/sdk';
import type { Knex } from 'knex';

export type Visibility = 'public' | 'clients' | 'staff';

/** Who reads: nobody signed in (public pages), a client user, or staff (drafts only with `kb.write`). */
export interface Audience {
  levels: Visibility[];
  drafts: boolean;
}

export function audienceOf(principal: Principal | null): Audience {
  if (!principal) return { levels: ['public'], drafts: false };
  if (isClientScoped(principal) || principal.roles.includes('client')) return { levels: ['public', 'clients'], drafts: false };
  return { levels: ['public', 'clients', 'staff'], drafts: principal.permissions.has('kb.write') };
}

/**
 * Limits a query on `kb_articles as a` (left-joined to `kb_categories as c`) to what the audience
 * may read: published (unless it may see drafts), its visibility, and its category's.
 */
export function visibleArticles<Q extends Knex.QueryBuilder>(q: Q, audience: Audience): Q {
  if (!audience.drafts) void q.where('a.status', 'published');
  void q.whereIn('a.visibility', audience.levels).where((w) => w.whereNull('a.category_id').orWhereIn('c.visibility', audience.levels));
  return q;
}
