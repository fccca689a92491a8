import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { aiFailure, type AiSession } from '../llm/client.ts';
import { redact } from '../llm/safety.ts';
import { cosine } from './vectors.ts';

export interface KbHit { id: string; title: string; body: string; score: number }

interface ArticleRow { id: string; title: string; body_md: string }

/** Articles a draft may quote to a client: published, visible to clients (an article in a staff-only category is not). */
function clientVisibleArticles(trx: Knex.Transaction, tenantId: string) {
  return trx('kb_articles as a').leftJoin('kb_categories as c', 'c.id', 'a.category_id')
    .where('a.tenant_id', tenantId).where('a.status', 'published').whereIn('a.visibility', ['public', 'clients'])
    .where((q) => void q.whereNull('a.category_id').orWhereIn('c.visibility', ['public', 'clients']));
}

const articleText = (a: ArticleRow) => `${a.title}\n\n${a.body_md}`;
const hashOf = (model: string, a: ArticleRow) => createHash('sha256').update(`${model}\n${articleText(a)}`).digest('hex');

/** Embeds what the endpoint answers as floats (the SDK asks for base64 and decodes it). */
async function embed(session: AiSession, inputs: string[]): Promise<number[][]> {
  try {
    const r = await session.openai.embeddings.create({ model: session.embeddingModel, input: inputs });
    await session.record(r.usage);
    return [...r.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
  } catch (err) {
    aiFailure(err);
  }
}

/**
 * Kept fresh on demand: before a search, articles whose title or body (or the embedding model)
 * changed since they were embedded are embedded again, in one batch; deleted articles' rows go
 * with them (ON DELETE CASCADE). So an edit is reflected by the next draft, with no event to miss.
 */
export async function refreshKbEmbeddings(trx: Knex.Transaction, tenantId: string, session: AiSession): Promise<number> {
  const articles = (await clientVisibleArticles(trx, tenantId).select('a.id', 'a.title', 'a.body_md')) as ArticleRow[];
  const stored = new Map(((await trx('ai_kb_embeddings').where({ tenant_id: tenantId }).select('article_id', 'content_hash')) as Array<{ article_id: string; content_hash: string }>)
    .map((r) => [r.article_id, r.content_hash]));
  const stale = articles.filter((a) => stored.get(a.id) !== hashOf(session.embeddingModel, a));
  for (let i = 0; i < stale.length; i += 64) {
    const batch = stale.slice(i, i + 64);
    const vectors = await embed(session, batch.map((a) => redact(articleText(a)).slice(0, 8000)));
    for (const [j, a] of batch.entries()) {
      await trx('ai_kb_embeddings')
        .insert({ tenant_id: tenantId, article_id: a.id, model: session.embeddingModel, content_hash: hashOf(session.embeddingModel, a), embedding: vectors[j] })
        .onConflict('article_id').merge(['model', 'content_hash', 'embedding', 'updated_at']);
    }
  }
  return stale.length;
}

/**
 * The `limit` articles nearest to `text` (cosine similarity in process over the tenant's rows:
 * a knowledge base of a few thousand articles is a few MB of floats, and it works on PGlite).
 */
export async function nearestArticles(trx: Knex.Transaction, tenantId: string, session: AiSession, text: string, limit = 3, minScore = 0.1): Promise<KbHit[]> {
  await refreshKbEmbeddings(trx, tenantId, session);
  const [query] = await embed(session, [redact(text).slice(0, 8000)]);
  const rows = (await clientVisibleArticles(trx, tenantId).join('ai_kb_embeddings as e', 'e.article_id', 'a.id')
    .where('e.model', session.embeddingModel).select('a.id', 'a.title', 'a.body_md', 'e.embedding')) as Array<ArticleRow & { embedding: number[] }>;
  return rows.map((r) => ({ id: r.id, title: r.title, body: r.body_md, score: cosine(query!, r.embedding.map(Number)) }))
    .filter((h) => h.score >= minScore).sort((a, b) => b.score - a.score).slice(0, limit);
}
