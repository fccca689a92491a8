import type { Knex } from 'knex';
import { visibleArticles, type Audience } from './audience.ts';

export interface SearchHit {
  id: string;
  title: string;
  slug: string;
  categoryId: string | null;
  rank: number;
  bodyMd: string;
}

const MAX_QUERY = 200;

/**
 * A prefix query for what a client is still typing (`domai transf` → `domai:* & transf:*`):
 * letters and digits only, so the text can never be tsquery syntax.
 */
export function prefixQuery(q: string): string | null {
  const words = q.toLowerCase().slice(0, MAX_QUERY).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1).slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/**
 * Full-text search over the articles the audience may read, best match first: `ts_rank_cd` over
 * the weighted vector (a word in the title counts more than in the body), ties by recency.
 * `mode: 'web'` reads what a person types into a search box (quotes, OR, -word); `'prefix'`
 * matches words being typed (suggestions). The GIN index answers the `@@`.
 */
export async function searchArticles(db: Knex.Transaction, audience: Audience, q: string, options: { mode: 'web' | 'prefix'; limit: number; offset?: number }): Promise<{ hits: SearchHit[]; total: number }> {
  const text = q.slice(0, MAX_QUERY);
  const tsquery = options.mode === 'web'
    ? db.raw(`websearch_to_tsquery('english', ?)`, [text])
    : db.raw(`to_tsquery('english', ?)`, [prefixQuery(text) ?? '']);
  if (options.mode === 'prefix' && !prefixQuery(text)) return { hits: [], total: 0 };
  const base = visibleArticles(db('kb_articles as a').leftJoin('kb_categories as c', 'c.id', 'a.category_id'), audience)
    .whereRaw('a.search @@ (?)', [tsquery]);
  const [count] = (await base.clone().count({ n: '*' })) as Array<{ n: string }>;
  const hits = (await base
    .select('a.id', 'a.title', 'a.slug', 'a.category_id as categoryId', 'a.body_md as bodyMd', db.raw('ts_rank_cd(a.search, (?)) as rank', [tsquery]))
    .orderBy([{ column: 'rank', order: 'desc' }, { column: 'a.published_at', order: 'desc', nulls: 'last' }, { column: 'a.id' }])
    .limit(options.limit).offset(options.offset ?? 0)) as SearchHit[];
  return { hits: hits.map((h) => ({ ...h, rank: Number(h.rank) })), total: Number(count!.n) };
}
