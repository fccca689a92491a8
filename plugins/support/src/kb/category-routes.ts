import { ConflictError, NotFoundError, ok, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { audienceOf } from './audience.ts';
import { slugify } from './markdown.ts';

type Ctx = RouteContext<{ id: string }, Record<string, unknown>, Record<string, unknown>>;
type Row = Record<string, unknown>;
const tags = ['kb'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  slug: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 },
  description: { type: 'string', maxLength: 1000 },
  position: { type: 'integer', minimum: 0, maximum: 10_000 },
  visibility: { enum: ['public', 'clients', 'staff'] },
};

const json = (r: Row) => ({ id: r.id, name: r.name, slug: r.slug, description: r.description, position: r.position, visibility: r.visibility, articles: Number(r.articles ?? 0) });

/** The categories the caller may see, each with how many articles it may read in it. */
async function listHandler(c: Ctx) {
  const a = audienceOf(c.principal);
  const counted = c.db('kb_articles as a').whereRaw('a.category_id = c.id').whereIn('a.visibility', a.levels).count('*');
  if (!a.drafts) void counted.where('a.status', 'published');
  const rows = (await c.db('kb_categories as c').whereIn('c.visibility', a.levels).select('c.*', counted.as('articles')).orderBy([{ column: 'position' }, { column: 'name' }])) as Row[];
  return ok(rows.map(json));
}

function columns(b: Row): Row {
  const out: Row = {};
  for (const k of ['name', 'slug', 'description', 'position', 'visibility']) if (b[k] !== undefined) out[k] = b[k];
  return out;
}

async function uniqueSlug(c: Ctx, slug: unknown, except?: string): Promise<void> {
  const q = c.db('kb_categories').where({ slug });
  if (except) void q.whereNot({ id: except });
  if (await q.first('id')) throw new ConflictError('A category with this slug exists', { slug: 'already used' });
}

/** `/api/v1/kb/categories` (and `/api/v1/kb/public/categories` without login). */
export function kbCategoryRoutes(_ctx: PluginContext): RouteDefinition[] {
  return [
    { method: 'GET', path: '/api/v1/kb/categories', permission: 'kb.read', tags, summary: 'Knowledge base categories the caller may see', handler: listHandler },
    { method: 'GET', path: '/api/v1/kb/public/categories', public: true, tags, summary: 'Public knowledge base categories (no login)', handler: listHandler },
    {
      method: 'POST', path: '/api/v1/kb/categories', permission: 'kb.write', tags, successStatus: 201,
      schema: { body: { type: 'object', additionalProperties: false, required: ['name'], properties: fields } }, summary: 'Create a category',
      handler: async (c: Ctx) => {
        const slug = (c.body.slug as string | undefined) ?? slugify(String(c.body.name));
        await uniqueSlug(c, slug);
        const [row] = (await c.db('kb_categories').insert({ tenant_id: c.tenant!.id, ...columns(c.body), slug }).returning('*')) as Row[];
        return ok(json(row!));
      },
    },
    {
      method: 'PATCH', path: '/api/v1/kb/categories/:id', permission: 'kb.write', tags,
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields } }, summary: 'Edit a category',
      handler: async (c: Ctx) => {
        if (c.body.slug) await uniqueSlug(c, c.body.slug, c.params.id);
        const [row] = (await c.db('kb_categories').where({ id: c.params.id }).update({ ...columns(c.body), updated_at: c.db.fn.now() }).returning('*')) as Row[];
        if (!row) throw new NotFoundError('Category not found');
        return ok(json(row));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/kb/categories/:id', permission: 'kb.write', tags, schema: { params: idParams }, summary: 'Delete a category (its articles stay, uncategorised)',
      handler: async (c: Ctx) => {
        if (!(await c.db('kb_categories').where({ id: c.params.id }).delete())) throw new NotFoundError('Category not found');
        return ok({ id: c.params.id, deleted: true });
      },
    },
  ];
}
