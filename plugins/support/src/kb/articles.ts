import { ConflictError, NotFoundError, ValidationError } from '@mpanel/sdk';
import type { Knex } from 'knex';
import { visibleArticles, type Audience } from './audience.ts';
import { excerpt, renderMarkdown, slugify } from './markdown.ts';

export interface ArticleInput {
  title?: string;
  slug?: string;
  categoryId?: string | null;
  body?: string;
  status?: 'draft' | 'published';
  visibility?: 'public' | 'clients' | 'staff';
}

type Row = Record<string, unknown>;

const SELECT = ['a.id', 'a.category_id', 'a.title', 'a.slug', 'a.body_md', 'a.body_html', 'a.status', 'a.visibility', 'a.published_at', 'a.created_at', 'a.updated_at'];

export function articleJson(r: Row, withBody = true) {
  return {
    id: r.id, categoryId: r.category_id ?? null, title: r.title, slug: r.slug, status: r.status, visibility: r.visibility,
    publishedAt: r.published_at ?? null, createdAt: r.created_at, updatedAt: r.updated_at,
    excerpt: excerpt(String(r.body_md)),
    ...(withBody ? { body: r.body_md, html: r.body_html, helpful: { yes: Number(r.helpful_yes ?? 0), no: Number(r.helpful_no ?? 0) } } : {}),
  };
}

const readable = (db: Knex.Transaction, audience: Audience) => visibleArticles(db('kb_articles as a').leftJoin('kb_categories as c', 'c.id', 'a.category_id'), audience);

/** One article the audience may read, by id or slug, with its vote counts; otherwise 404 (a draft is "not found"). */
export async function readArticle(db: Knex.Transaction, audience: Audience, where: { id: string } | { slug: string }): Promise<Row> {
  const q = readable(db, audience).select(SELECT)
    .select(db.raw('(select count(*) from kb_article_votes v where v.article_id = a.id and v.helpful) as helpful_yes'))
    .select(db.raw('(select count(*) from kb_article_votes v where v.article_id = a.id and not v.helpful) as helpful_no'));
  void ('id' in where ? q.where('a.id', where.id) : q.where('a.slug', where.slug));
  const row = (await q.first()) as Row | undefined;
  if (!row) throw new NotFoundError('Article not found');
  return row;
}

export async function listArticles(db: Knex.Transaction, audience: Audience, f: { categoryId?: string; status?: string; page: number; perPage: number }) {
  const q = readable(db, audience);
  if (f.categoryId) void q.where('a.category_id', f.categoryId);
  if (f.status) void q.where('a.status', f.status);
  const [count] = (await q.clone().count({ n: '*' })) as Array<{ n: string }>;
  const rows = (await q.select(SELECT).orderBy([{ column: 'a.published_at', order: 'desc', nulls: 'first' }, { column: 'a.id' }]).limit(f.perPage).offset((f.page - 1) * f.perPage)) as Row[];
  return { data: rows.map((r) => articleJson(r, false)), total: Number(count!.n) };
}

async function checkCategory(db: Knex.Transaction, id: string | null | undefined): Promise<void> {
  if (id && !(await db('kb_categories').where({ id }).first('id'))) throw new ValidationError({ categoryId: 'no such category' });
}

async function uniqueSlug(db: Knex.Transaction, slug: string, except?: string): Promise<void> {
  const q = db('kb_articles').where({ slug });
  if (except) void q.whereNot({ id: except });
  if (await q.first('id')) throw new ConflictError('An article with this slug exists', { slug: 'already used' });
}

function columns(input: ArticleInput, publishedBefore: unknown): Row {
  const out: Row = {};
  if (input.title !== undefined) out.title = input.title;
  if (input.slug !== undefined) out.slug = input.slug;
  if (input.categoryId !== undefined) out.category_id = input.categoryId;
  if (input.body !== undefined) Object.assign(out, { body_md: input.body, body_html: renderMarkdown(input.body) });
  if (input.visibility !== undefined) out.visibility = input.visibility;
  if (input.status !== undefined) {
    out.status = input.status;
    // The first publication's time stays (the portal sorts by it); a draft again keeps it too.
    if (input.status === 'published' && !publishedBefore) out.published_at = new Date();
  }
  return out;
}

export async function createArticle(db: Knex.Transaction, tenantId: string, authorId: string | null, input: ArticleInput & { title: string; body: string }): Promise<string> {
  const slug = input.slug ?? slugify(input.title);
  await checkCategory(db, input.categoryId);
  await uniqueSlug(db, slug);
  const [row] = (await db('kb_articles').insert({ tenant_id: tenantId, author_id: authorId, ...columns({ ...input, slug }, null) }).returning('id')) as Array<{ id: string }>;
  return row!.id;
}

export async function updateArticle(db: Knex.Transaction, id: string, input: ArticleInput): Promise<void> {
  const current = (await db('kb_articles').where({ id }).first('id', 'published_at')) as Row | undefined;
  if (!current) throw new NotFoundError('Article not found');
  await checkCategory(db, input.categoryId);
  if (input.slug) await uniqueSlug(db, input.slug, id);
  const change = columns(input, current.published_at);
  if (Object.keys(change).length) await db('kb_articles').where({ id }).update({ ...change, updated_at: db.fn.now() });
}
