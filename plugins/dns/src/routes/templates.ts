import { ConflictError, NotFoundError, ok, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import { createTenantDb } from '@mpanel/sdk';
import type { TemplateRow } from '../store.ts';
import { idParams, recordFields, tags } from './common.ts';

type Ctx<B = unknown> = RouteContext<{ id: string }, Record<string, unknown>, B>;
interface TemplateBody { name?: string; isDefault?: boolean; nameservers?: string[]; records?: TemplateRow['records'] }

const fields = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  isDefault: { type: 'boolean' },
  nameservers: { type: 'array', maxItems: 13, uniqueItems: true, items: { type: 'string', minLength: 3, maxLength: 253, pattern: '^[A-Za-z0-9._-]+\\.?$' } },
  // Values may hold variables (`{{ip}}`, `{{domain}}`): they are checked when a zone is made from the template.
  records: {
    type: 'array', maxItems: 200,
    items: { type: 'object', additionalProperties: false, required: ['name', 'type', 'values'], properties: { name: recordFields.name, type: recordFields.type, ttl: recordFields.ttl, values: recordFields.values } },
  },
} as const;

const json = (t: TemplateRow) => ({ id: t.id, name: t.name, isDefault: t.is_default, nameservers: t.nameservers, records: t.records, createdAt: t.created_at, updatedAt: t.updated_at });

function columns(b: TemplateBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (b.name !== undefined) out.name = b.name;
  if (b.isDefault !== undefined) out.is_default = b.isDefault;
  if (b.nameservers !== undefined) out.nameservers = JSON.stringify(b.nameservers.map((n) => n.toLowerCase().replace(/\.$/, '')));
  if (b.records !== undefined) out.records = JSON.stringify(b.records);
  return out;
}

/** Zone templates (default records with `{{variables}}`, branded nameservers): staff only. */
export function templateRoutes(_plugin: PluginContext): RouteDefinition[] {
  const db = (c: Ctx<unknown>) => createTenantDb(c.db, c.tenant!.id);
  async function save(c: Ctx<TemplateBody>, id: string | null): Promise<TemplateRow> {
    const d = db(c);
    if (id && !(await d('dns_zone_templates').where({ id }).first('id'))) throw new NotFoundError('Template not found');
    if (c.body.name !== undefined) {
      const q = d('dns_zone_templates').where({ name: c.body.name });
      if (id) q.whereNot({ id });
      if (await q.first('id')) throw new ConflictError('A template with this name exists', { name: 'already used' });
    }
    // One default per tenant: choosing this one unsets the other.
    if (c.body.isDefault) await d('dns_zone_templates').where({ is_default: true }).modify((q) => (id ? q.whereNot({ id }) : q)).update({ is_default: false });
    if (id) {
      const [row] = (await d('dns_zone_templates').where({ id }).update({ ...columns(c.body), updated_at: c.db.fn.now() }).returning('*')) as TemplateRow[];
      if (!row) throw new NotFoundError('Template not found');
      return row;
    }
    const [row] = await d.insert<TemplateRow>('dns_zone_templates', columns(c.body));
    return row!;
  }
  return [
    {
      method: 'GET', path: '/api/v1/dns/zone-templates', permission: 'dns.templates.read', tags, summary: 'Zone templates',
      handler: async (c: Ctx) => ok(((await db(c)('dns_zone_templates').orderBy('name').select('*')) as TemplateRow[]).map(json)),
    },
    {
      method: 'POST', path: '/api/v1/dns/zone-templates', permission: 'dns.templates.write', tags, successStatus: 201, summary: 'Create a zone template',
      schema: { body: { type: 'object', additionalProperties: false, required: ['name'], properties: fields } },
      handler: async (c: Ctx<TemplateBody>) => ok(json(await save(c, null))),
    },
    {
      method: 'GET', path: '/api/v1/dns/zone-templates/:id', permission: 'dns.templates.read', tags, schema: { params: idParams }, summary: 'A zone template',
      handler: async (c: Ctx) => {
        const row = (await db(c)('dns_zone_templates').where({ id: c.params.id }).first()) as TemplateRow | undefined;
        if (!row) throw new NotFoundError('Template not found');
        return ok(json(row));
      },
    },
    {
      method: 'PATCH', path: '/api/v1/dns/zone-templates/:id', permission: 'dns.templates.write', tags, summary: 'Edit a zone template (zones made from it keep their records)',
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields } },
      handler: async (c: Ctx<TemplateBody>) => ok(json(await save(c, c.params.id))),
    },
    {
      method: 'DELETE', path: '/api/v1/dns/zone-templates/:id', permission: 'dns.templates.write', tags, schema: { params: idParams }, summary: 'Delete a zone template',
      handler: async (c: Ctx) => {
        if (!(await db(c)('dns_zone_templates').where({ id: c.params.id }).delete())) throw new NotFoundError('Template not found');
        return ok({ id: c.params.id, deleted: true });
      },
    },
  ];
}
