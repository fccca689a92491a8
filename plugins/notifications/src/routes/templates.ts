import { NotFoundError, ValidationError, ok, type MailTemplateParts, type PluginContext, type RouteContext, type RouteDefinition } from '@mpanel/sdk';
import type { Registry } from '../registry.ts';
import { LANGUAGE } from '../registry.ts';
import { deleteEdit, saveEdit, tenantEdits } from '../store/templates.ts';
import { TemplateSyntaxError, validatePart } from '../render/engine.ts';
import { pickParts, renderParts } from '../render/render.ts';
import { sendTemplated } from '../mail/send-mail.ts';
import { mailBranding } from '../mail/mail-brand.ts';

const MAX_PART = 100_000;
const keyParams = { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 200 } } } as const;
const language = { type: 'string', pattern: LANGUAGE.source } as const;
const part = { type: 'string', maxLength: MAX_PART } as const;
const partsBody = { type: 'object', additionalProperties: false, required: ['language', 'subject', 'html', 'text'], properties: { language, subject: { type: 'string', minLength: 1, maxLength: 1000 }, html: part, text: part } } as const;

// The language travels in the body / query, not the path: `:key` is a registered name (no record
// of a tenant), and one path parameter keeps the route one resource for the isolation walker.
type Ctx = RouteContext<{ key: string }, Record<string, unknown>, Record<string, unknown>>;

function known(registry: Registry, key: string) {
  const def = registry.templates.get(key);
  if (!def) throw new NotFoundError('Mail template not found');
  return def;
}

/** Every part must compile (against the sample data) and the HTML part may not print raw values. */
function validate(parts: MailTemplateParts, sample: Record<string, unknown>): void {
  const details: Record<string, string> = {};
  for (const kind of ['subject', 'html', 'text'] as const) {
    try {
      validatePart(kind, parts[kind], sample);
    } catch (err) {
      if (!(err instanceof TemplateSyntaxError)) throw err;
      details[kind] = err.message;
    }
  }
  if (Object.keys(details).length) throw new ValidationError(details);
}

/** `/api/v1/mail-templates`: list, read, edit per language, preview, test send, reset to default. */
export function templateRoutes(ctx: PluginContext, registry: Registry): RouteDefinition[] {
  const tags = ['notifications'];
  return [
    {
      method: 'GET', path: '/api/v1/mail-templates', permission: 'mail-templates.read', tags, summary: 'Registered mail templates and the languages the tenant edited',
      handler: async (c) => {
        const edited = (await c.db('notification_templates').select('key', 'language')) as Array<{ key: string; language: string }>;
        return ok([...registry.templates.values()].map((t) => ({
          key: t.key, description: t.description ?? '', languages: registry.languagesOf(t.key),
          editedLanguages: edited.filter((e) => e.key === t.key).map((e) => e.language).sort(),
        })));
      },
    },
    {
      method: 'GET', path: '/api/v1/mail-templates/:key', permission: 'mail-templates.read', tags, schema: { params: keyParams },
      summary: 'One template: per language the tenant\'s version (or the default) and the default',
      handler: async (c: Ctx) => {
        const def = known(registry, c.params.key);
        const edits = new Map((await tenantEdits(c.db, def.key)).map((e) => [e.language, e]));
        const languages = Object.fromEntries(registry.languagesOf(def.key).map((lang) => {
          const fallback = def.defaults[lang] ?? def.defaults.en;
          const edit = edits.get(lang);
          return [lang, { ...(edit ? { subject: edit.subject, html: edit.html, text: edit.text, updatedAt: edit.updatedAt } : fallback), edited: Boolean(edit), default: fallback }];
        }));
        return ok({ key: def.key, description: def.description ?? '', sampleData: def.sampleData, languages });
      },
    },
    {
      method: 'PUT', path: '/api/v1/mail-templates/:key', permission: 'mail-templates.write', tags, schema: { params: keyParams, body: partsBody },
      summary: 'Save the tenant\'s version of a template in one language',
      handler: async (c: Ctx) => {
        const def = known(registry, c.params.key);
        const { language: lang, ...parts } = c.body as unknown as MailTemplateParts & { language: string };
        validate(parts, def.sampleData);
        await saveEdit(c.db, c.tenant!.id, def.key, lang, parts, c.principal?.userId ?? null);
        return ok({ key: def.key, language: lang, ...parts, edited: true });
      },
    },
    {
      method: 'DELETE', path: '/api/v1/mail-templates/:key', permission: 'mail-templates.write', tags,
      schema: { params: keyParams, query: { type: 'object', additionalProperties: false, required: ['language'], properties: { language } } },
      summary: 'Reset a language of a template to the default (`?language=de`)',
      handler: async (c: Ctx) => {
        const def = known(registry, c.params.key);
        const lang = String(c.query.language);
        await deleteEdit(c.db, def.key, lang);
        const fallback = def.defaults[lang] ?? def.defaults.en;
        return ok({ key: def.key, language: lang, ...fallback, edited: false });
      },
    },
    {
      method: 'POST', path: '/api/v1/mail-templates/:key/preview', permission: 'mail-templates.read', tags,
      schema: { params: keyParams, body: { type: 'object', additionalProperties: false, properties: { language, subject: { type: 'string', maxLength: 1000 }, html: part, text: part, data: { type: 'object' } } } },
      summary: 'Render a template (the saved one, or the parts given: an unsaved draft) with sample data',
      handler: async (c: Ctx) => {
        const def = known(registry, c.params.key);
        const b = c.body as Partial<MailTemplateParts> & { language?: string; data?: Record<string, unknown> };
        const picked = await pickParts(c.db, registry, def.key, b.language ?? 'en');
        const parts = { subject: b.subject ?? picked.parts.subject, html: b.html ?? picked.parts.html, text: b.text ?? picked.parts.text };
        const data = { ...def.sampleData, ...b.data };
        validate(parts, data);
        return ok({ language: picked.language, ...renderParts(parts, data, await mailBranding(ctx, c.tenant!.id), picked.language) });
      },
    },
    {
      method: 'POST', path: '/api/v1/mail-templates/:key/test', permission: 'mail-templates.write', tags,
      schema: { params: keyParams, body: { type: 'object', additionalProperties: false, properties: { language, to: { type: 'string', format: 'email', maxLength: 320 } } } },
      summary: 'Send the saved template with sample data to the caller (or another address)',
      handler: async (c: Ctx) => {
        const def = known(registry, c.params.key);
        const b = c.body as { language?: string; to?: string };
        const to = b.to ?? c.principal?.email;
        if (!to) throw new ValidationError({ to: 'is required for a caller without an email address' });
        const id = await sendTemplated(ctx, registry, { template: def.key, to: { email: to }, language: b.language ?? 'en', data: def.sampleData, userId: c.principal?.userId ?? null });
        c.response.status = 202;
        return ok({ mailLogId: id, to });
      },
    },
  ];
}
