import { ValidationError, list, ok, paginationQuery, type PluginContext, type RouteDefinition } from '@mpanel/sdk';
import { AI_SETTING_FIELDS, aiSettings, type AiSettings } from '../llm/settings.ts';
import { monthStart, tokensThisMonth, usageReport } from '../llm/usage.ts';

/** What the settings API shows: everything but the key, which only says whether it is set. */
async function describe(ctx: PluginContext, tenantId: string, trx: Parameters<typeof tokensThisMonth>[0]) {
  const { apiKey, ...rest } = await aiSettings(ctx, tenantId);
  return { ...rest, apiKeySet: apiKey !== '', tokensUsedThisMonth: await tokensThisMonth(trx, tenantId) };
}

type SettingsBody = Partial<Omit<AiSettings, 'apiKey'>> & { apiKey?: string | null };

const month = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } as const;

function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
}

export function settingsRoutes(ctx: PluginContext): RouteDefinition[] {
  return [
    {
      method: 'GET', path: '/api/v1/ai/settings', permission: 'ai.manage', summary: 'AI settings of the tenant (the API key only as `apiKeySet`)',
      handler: async (req) => ok(await describe(ctx, req.tenant!.id, req.db)),
    },
    {
      method: 'PUT', path: '/api/v1/ai/settings', permission: 'ai.manage',
      summary: 'Changes AI settings; an omitted apiKey keeps the stored one, null removes it',
      schema: {
        body: {
          type: 'object', additionalProperties: false, minProperties: 1,
          properties: { ...AI_SETTING_FIELDS, apiKey: { type: ['string', 'null'], minLength: 1, maxLength: 500 } },
        },
      },
      handler: async (req) => {
        const body = req.body as SettingsBody;
        if (body.baseUrl) {
          try {
            new URL(body.baseUrl);
          } catch {
            throw new ValidationError({ baseUrl: 'not a URL' });
          }
        }
        await ctx.settings.set(body as Partial<Record<string, unknown>>, req.tenant!.id);
        return ok(await describe(ctx, req.tenant!.id, req.db), 'AI settings saved');
      },
    },
    {
      method: 'GET', path: '/api/v1/ai/usage', permission: 'ai.manage', summary: 'Tokens in and out of a month (default: this one, UTC) by feature and by user, and the budget',
      schema: { query: { type: 'object', additionalProperties: false, properties: { month } } },
      handler: async (req) => {
        const m = (req.query as { month?: string }).month ?? new Date().toISOString().slice(0, 7);
        const from = monthStart(new Date(`${m}-01T00:00:00Z`));
        const settings = await aiSettings(ctx, req.tenant!.id);
        const report = await usageReport(req.db, req.tenant!.id, from, nextMonth(m));
        const used = report.byFeature.reduce((s, f) => s + f.tokensIn + f.tokensOut, 0);
        return ok({ month: m, budget: settings.monthlyTokenBudget, used, ...report });
      },
    },
    {
      method: 'GET', path: '/api/v1/ai/audit', permission: 'ai.manage', summary: 'Prompts sent and answers received, newest first (kept for the `ai.audit` retention period)',
      schema: { query: { type: 'object', additionalProperties: false, properties: { ...paginationQuery, feature: { type: 'string', enum: ['drafts', 'triage', 'assistant', 'eval'] } } } },
      handler: async (req) => {
        const q = req.query as { page: number; perPage: number; feature?: string };
        const base = req.db('ai_audit').where({ tenant_id: req.tenant!.id });
        if (q.feature) void base.where({ feature: q.feature });
        const [count] = (await base.clone().count({ n: '*' })) as Array<{ n: string }>;
        const rows = (await base.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]).limit(q.perPage).offset((q.page - 1) * q.perPage).select('*')) as Array<Record<string, unknown>>;
        return list(rows.map((r) => ({
          id: r.id, userId: r.user_id ?? null, feature: r.feature, subject: r.subject_id ? { type: r.subject_type, id: r.subject_id } : null,
          model: r.model, messages: r.messages, answer: r.answer ?? null, error: r.error ?? null, createdAt: r.created_at,
        })), { total: Number(count!.n), page: q.page, perPage: q.perPage });
      },
    },
  ];
}
