import { randomUUID } from 'node:crypto';
import { NotFoundError, list, ok, paginationQuery, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import type { Knex } from 'knex';
import { audienceOf, type Audience } from '../kb/audience.ts';
import { excerpt, renderMarkdown } from '../kb/markdown.ts';

type Ctx = RouteContext<{ id: string }, Record<string, unknown>, Record<string, unknown>>;
type Row = Record<string, unknown>;
const tags = ['announcements'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const fields = {
  title: { type: 'string', minLength: 1, maxLength: 200 },
  body: { type: 'string', maxLength: 100_000 },
  status: { enum: ['draft', 'published'] },
  visibility: { enum: ['public', 'clients', 'staff'] },
  publishAt: { type: 'string', format: 'date-time' },
  mailClients: { type: 'boolean' },
};

const json = (r: Row) => ({
  id: r.id, title: r.title, body: r.body_md, html: r.body_html, excerpt: excerpt(String(r.body_md)), status: r.status, visibility: r.visibility,
  publishAt: r.publish_at ?? null, mailClients: r.mail_clients, mailedAt: r.mailed_at ?? null, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** Readers other than writers see published announcements whose date has come, in their visibility. */
function visible(db: Knex.Transaction, a: Audience) {
  const q = db('announcements').whereIn('visibility', a.levels);
  if (!a.drafts) void q.where('status', 'published').where('publish_at', '<=', db.fn.now());
  return q;
}

function columns(b: Row): Row {
  const out: Row = {};
  if (b.title !== undefined) out.title = b.title;
  if (b.body !== undefined) Object.assign(out, { body_md: b.body, body_html: renderMarkdown(String(b.body)) });
  if (b.status !== undefined) out.status = b.status;
  if (b.visibility !== undefined) out.visibility = b.visibility;
  if (b.publishAt !== undefined) out.publish_at = b.publishAt;
  if (b.mailClients !== undefined) out.mail_clients = b.mailClients;
  return out;
}

async function listHandler(c: Ctx) {
  const a = { ...audienceOf(c.principal), drafts: c.principal?.permissions.has('announcements.write') ?? false };
  const f = c.query as { page: number; perPage: number };
  const q = visible(c.db, a);
  const [count] = (await q.clone().count({ n: '*' })) as Array<{ n: string }>;
  const rows = (await q.select('*').orderBy([{ column: 'publish_at', order: 'desc', nulls: 'first' }, { column: 'id' }]).limit(f.perPage).offset((f.page - 1) * f.perPage)) as Row[];
  return list(rows.map(json), { total: Number(count!.n), page: f.page, perPage: f.perPage });
}

async function oneHandler(c: Ctx) {
  const a = { ...audienceOf(c.principal), drafts: c.principal?.permissions.has('announcements.write') ?? false };
  const row = (await visible(c.db, a).where({ id: c.params.id }).first()) as Row | undefined;
  if (!row) throw new NotFoundError('Announcement not found');
  return ok(json(row));
}

/** `/api/v1/announcements` (and `/api/v1/announcements/public` for the portal's page without login). */
export function announcementRoutes(ctx: PluginContext): RouteDefinition[] {
  const listQuery = { type: 'object', additionalProperties: false, properties: { ...paginationQuery } } as const;
  // Publishing with mail: a job for this tenant, held until the request commits, mails the due ones
  // now (thousands of clients never hold a request); the five-minute tick catches later dates.
  const mailIfDue = async (c: Ctx) => {
    if (c.body.mailClients === true || c.body.status === 'published' || c.body.publishAt !== undefined) {
      await ctx.jobs.enqueue('announcements.mail', {}, { tenantId: c.tenant!.id, jobId: `announcements.mail:${c.tenant!.id}:${randomUUID()}` });
    }
  };
  return [
    { method: 'GET', path: '/api/v1/announcements', permission: 'announcements.read', tags, schema: { query: listQuery }, summary: 'Announcements, newest first', handler: listHandler },
    { method: 'GET', path: '/api/v1/announcements/public', public: true, tags, schema: { query: listQuery }, summary: 'Published public announcements (no login)', handler: listHandler },
    { method: 'GET', path: '/api/v1/announcements/public/:id', public: true, tags, schema: { params: idParams }, summary: 'One published public announcement (no login)', handler: oneHandler },
    { method: 'GET', path: '/api/v1/announcements/:id', permission: 'announcements.read', tags, schema: { params: idParams }, summary: 'One announcement', handler: oneHandler },
    {
      method: 'POST', path: '/api/v1/announcements', permission: 'announcements.write', tags, successStatus: 201,
      schema: { body: { type: 'object', additionalProperties: false, required: ['title', 'body'], properties: fields } }, summary: 'Write an announcement (published now unless publishAt says later)',
      handler: async (c: Ctx) => {
        const row = { publishAt: new Date().toISOString(), status: 'published', ...c.body };
        const [created] = (await c.db('announcements').insert({ tenant_id: c.tenant!.id, author_id: c.principal?.userId ?? null, ...columns(row) }).returning('*')) as Row[];
        await mailIfDue(c);
        return ok(json(created!));
      },
    },
    {
      method: 'PATCH', path: '/api/v1/announcements/:id', permission: 'announcements.write', tags,
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields } }, summary: 'Edit or publish an announcement',
      handler: async (c: Ctx) => {
        const [row] = (await c.db('announcements').where({ id: c.params.id }).update({ ...columns(c.body), updated_at: c.db.fn.now() }).returning('*')) as Row[];
        if (!row) throw new NotFoundError('Announcement not found');
        await mailIfDue(c);
        return ok(json(row));
      },
    },
    {
      method: 'DELETE', path: '/api/v1/announcements/:id', permission: 'announcements.write', tags, schema: { params: idParams }, summary: 'Delete an announcement',
      handler: async (c: Ctx) => {
        if (!(await c.db('announcements').where({ id: c.params.id }).delete())) throw new NotFoundError('Announcement not found');
        return ok({ id: c.params.id, deleted: true });
      },
    },
  ];
}
