import { ForbiddenError, NotFoundError, list, ok, paginationQuery, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { audienceOf } from './audience.ts';
import { articleJson, createArticle, listArticles, readArticle, updateArticle, type ArticleInput } from './articles.ts';
import { searchArticles } from './search.ts';
import { excerpt, renderMarkdown } from './markdown.ts';

type Ctx = RouteContext<{ id: string; slug: string }, Record<string, unknown>, Record<string, unknown>>;
const tags = ['kb'];
const uuid = { type: 'string', format: 'uuid' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const slugParams = { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 100 } } } as const;
const q = { type: 'string', minLength: 1, maxLength: 200 } as const;
const fields = {
  title: { type: 'string', minLength: 1, maxLength: 200 },
  slug: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 },
  categoryId: { anyOf: [uuid, { type: 'null' }] },
  body: { type: 'string', maxLength: 200_000 },
  status: { enum: ['draft', 'published'] },
  visibility: { enum: ['public', 'clients', 'staff'] },
};
const listQuery = { type: 'object', additionalProperties: false, properties: { ...paginationQuery, categoryId: uuid, status: fields.status } } as const;
const searchQuery = { type: 'object', additionalProperties: false, required: ['q'], properties: { ...paginationQuery, q } } as const;

const audience = (c: Ctx) => audienceOf(c.principal);

async function listHandler(c: Ctx) {
  const f = c.query as { page: number; perPage: number; categoryId?: string; status?: string };
  const { data, total } = await listArticles(c.db, audience(c), f);
  return list(data, { total, page: f.page, perPage: f.perPage });
}

async function searchHandler(c: Ctx) {
  const f = c.query as { page: number; perPage: number; q: string };
  const { hits, total } = await searchArticles(c.db, audience(c), f.q, { mode: 'web', limit: f.perPage, offset: (f.page - 1) * f.perPage });
  return list(hits.map((h) => ({ id: h.id, title: h.title, slug: h.slug, categoryId: h.categoryId, rank: h.rank, excerpt: excerpt(h.bodyMd) })), { total, page: f.page, perPage: f.perPage });
}

/**
 * `/api/v1/kb/...`: articles for signed-in readers (staff see every visibility, writers drafts too;
 * clients public and client articles), search, suggestions for the new-ticket form, "was this
 * helpful", and the same reads under `/api/v1/kb/public/...` for the portal's pages without login.
 */
export function kbArticleRoutes(_ctx: PluginContext): RouteDefinition[] {
  return [
    { method: 'GET', path: '/api/v1/kb/articles', permission: 'kb.read', tags, schema: { query: listQuery }, summary: 'Articles the caller may read', handler: listHandler },
    { method: 'GET', path: '/api/v1/kb/public/articles', public: true, tags, schema: { query: listQuery }, summary: 'Public articles (no login)', handler: listHandler },
    {
      method: 'GET', path: '/api/v1/kb/articles/:id', permission: 'kb.read', tags, schema: { params: idParams }, summary: 'One article (404 when the caller may not read it)',
      handler: async (c: Ctx) => ok(articleJson(await readArticle(c.db, audience(c), { id: c.params.id }))),
    },
    {
      method: 'GET', path: '/api/v1/kb/public/articles/:slug', public: true, tags, schema: { params: slugParams }, summary: 'One public article by slug (no login)',
      handler: async (c: Ctx) => ok(articleJson(await readArticle(c.db, audience(c), { slug: c.params.slug }))),
    },
    { method: 'GET', path: '/api/v1/kb/search', permission: 'kb.read', tags, schema: { query: searchQuery }, summary: 'Full-text search, best match first', handler: searchHandler },
    { method: 'GET', path: '/api/v1/kb/public/search', public: true, tags, schema: { query: searchQuery }, summary: 'Full-text search of public articles (no login)', handler: searchHandler },
    {
      method: 'GET', path: '/api/v1/kb/suggestions', permission: 'kb.read', tags,
      schema: { query: { type: 'object', additionalProperties: false, required: ['q'], properties: { q, limit: { type: 'integer', minimum: 1, maximum: 10, default: 5 } } } },
      summary: 'Articles matching what a client is typing into a new ticket (prefix match)',
      handler: async (c: Ctx) => {
        const f = c.query as { q: string; limit: number };
        const { hits } = await searchArticles(c.db, audience(c), f.q, { mode: 'prefix', limit: f.limit });
        return ok(hits.map((h) => ({ id: h.id, title: h.title, slug: h.slug, excerpt: excerpt(h.bodyMd, 140) })));
      },
    },
    {
      method: 'POST', path: '/api/v1/kb/articles', permission: 'kb.write', tags, successStatus: 201,
      schema: { body: { type: 'object', additionalProperties: false, required: ['title', 'body'], properties: fields } }, summary: 'Write an article (a draft unless status says otherwise)',
      handler: async (c: Ctx) => {
        const id = await createArticle(c.db, c.tenant!.id, c.principal?.userId ?? null, c.body as unknown as ArticleInput & { title: string; body: string });
        return ok(articleJson(await readArticle(c.db, audience(c), { id })));
      },
    },
    {
      method: 'PATCH', path: '/api/v1/kb/articles/:id', permission: 'kb.write', tags,
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields } }, summary: 'Edit, publish or unpublish an article',
      handler: async (c: Ctx) => {
        await updateArticle(c.db, c.params.id, c.body as ArticleInput);
        return ok(articleJson(await readArticle(c.db, audience(c), { id: c.params.id })));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/kb/articles/:id', permission: 'kb.write', tags, schema: { params: idParams }, summary: 'Delete an article',
      handler: async (c: Ctx) => {
        if (!(await c.db('kb_articles').where({ id: c.params.id }).delete())) throw new NotFoundError('Article not found');
        return ok({ id: c.params.id, deleted: true });
      },
    },
    {
      method: 'POST', path: '/api/v1/kb/articles/:id/feedback', permission: 'kb.read', tags,
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, required: ['helpful'], properties: { helpful: { type: 'boolean' } } } },
      summary: '"Was this helpful?": one vote per user and article (a second one changes it)',
      handler: async (c: Ctx) => {
        if (!c.principal?.userId) throw new ForbiddenError('Votes are a user\'s');
        await readArticle(c.db, audience(c), { id: c.params.id }); // only what the caller may read
        const helpful = Boolean(c.body.helpful);
        await c.db('kb_article_votes').insert({ tenant_id: c.tenant!.id, article_id: c.params.id, user_id: c.principal!.userId, helpful })
          .onConflict(['tenant_id', 'article_id', 'user_id']).merge({ helpful, updated_at: c.db.fn.now() });
        const row = await readArticle(c.db, audience(c), { id: c.params.id });
        return ok({ yes: Number(row.helpful_yes), no: Number(row.helpful_no) });
      },
    },
    {
      method: 'POST', path: '/api/v1/kb/render', permission: 'kb.write', tags,
      schema: { body: { type: 'object', additionalProperties: false, required: ['markdown'], properties: { markdown: fields.body } } }, summary: 'The editor\'s preview: Markdown to sanitised HTML',
      handler: (c: Ctx) => ok({ html: renderMarkdown(String(c.body.markdown)) }),
    },
  ];
}
